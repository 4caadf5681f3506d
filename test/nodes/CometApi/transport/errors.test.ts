import { reasonOf } from '../../../../nodes/CometApi/transport/billing';
import { hintFor, readApiError, type ApiErrorDetails } from '../../../../nodes/CometApi/transport/errors';
import { runCometApi } from '../../../helpers/harness';
import { runGenerate, useFakeCometApi } from '../../../helpers/setup';

const api = useFakeCometApi();

describe('readApiError', () => {
	it('reads the OpenAI-style envelope', () => {
		expect(
			readApiError(400, { error: { message: 'bad size', code: 'invalid_value', type: 'comet_api_error', param: 'size' } }),
		).toEqual({ status: 400, message: 'bad size', code: 'invalid_value', type: 'comet_api_error', param: 'size' });
	});

	it('reads a JSON string body, a bare message, and plain text', () => {
		expect(readApiError(500, '{"error":{"message":"upstream failed"}}').message).toBe('upstream failed');
		expect(readApiError(403, { message: 'forbidden' }).message).toBe('forbidden');
		expect(readApiError(502, 'Bad Gateway').message).toBe('Bad Gateway');
		expect(readApiError(503, '').message).toBe('HTTP 503');
	});

	it('recognises an HTML page', () => {
		expect(readApiError(404, '<html><body>nope</body></html>')).toMatchObject({ code: 'html_response' });
	});
});

describe('API errors as users see them', () => {
	it('surfaces the API’s own 400 message, its code and HTTP status', async () => {
		const { error, output } = await runGenerate(api, { additionalBodyFields: '{"response_format": "url"}' });
		expect(output).toEqual([]);
		expect(error).toBeDefined();
		expect(error!.message).toMatch(/^Unknown parameter: 'response_format'\. \(request id: /);
		expect(error!.httpCode).toBe('400');
		expect(error!.description).toContain('response_format');
		expect(error!.description).toContain('code unknown_parameter');
		expect(error!.context).toMatchObject({ itemIndex: 0, apiErrorCode: 'unknown_parameter' });
	});

	it('a wrong key gives the API’s 401 message with a hint about the credential', async () => {
		const { error } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: 'x' },
			credentials: { apiKey: 'sk-wrong', baseUrl: api.baseUrl },
		});
		expect(error!.message).toMatch(/^Invalid token/);
		expect(error!.httpCode).toBe('401');
		expect(error!.description).toContain('API key');
		expect(JSON.stringify(error)).not.toContain('sk-wrong');
	});
});

describe('the hint of each class of error agrees with its reason', () => {
	const HINTS: Record<string, RegExp> = {
		moderation: /^The prompt or an input image was refused by the safety system.*rephrase the prompt/,
		balance: /balance or this key’s quota is used up/,
		auth: /API key in the CometAPI credential|may not use this model/,
		rate_limit: /rate limiting this key/,
		not_found: /model ID|not found/,
		server: /provider failed or timed out/,
		invalid_request: /rejected the (request|parameter)|too large/,
	};
	it.each<[ApiErrorDetails, string]>([
		[{ status: 400, message: 'Your request was rejected by the safety system', code: 'moderation_blocked' }, 'moderation'],
		[{ status: 400, message: 'content_policy_violation: the prompt is not allowed', code: 'content_policy_violation' }, 'moderation'],
		[{ status: 400, message: 'The prompt contains prohibited content' }, 'moderation'],
		[{ status: 403, message: 'Sensitive words detected' }, 'moderation'],
		[{ status: undefined, message: 'Flux task failed: Banned prompt' }, 'moderation'],
		[{ status: 402, message: 'Payment required' }, 'balance'],
		[{ status: 403, message: 'insufficient user quota', code: 'insufficient_user_quota' }, 'balance'],
		[{ status: 401, message: 'Invalid token' }, 'auth'],
		[{ status: 403, message: 'forbidden' }, 'auth'],
		[{ status: 429, message: 'Rate limit reached', code: 'rate_limit_exceeded' }, 'rate_limit'],
		[{ status: 429, message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota' }, 'balance'],
		[{ status: 429, message: 'Your organization has no credits left.', type: 'insufficient_quota', code: 'credit_balance_exhausted' }, 'balance'],
		[{ status: 429, message: 'The project reached its monthly spend limit.', code: 'project_spend_limit_exceeded' }, 'balance'],
		[{ status: 404, message: 'model gpt-image-9 not found', code: 'model_not_found' }, 'not_found'],
		[{ status: 400, message: 'task does not exist' }, 'not_found'],
		[{ status: 502, message: 'Bad Gateway' }, 'server'],
		[{ status: 400, message: 'Invalid size', code: 'invalid_value', param: 'size' }, 'invalid_request'],
		[{ status: 400, message: 'Invalid request' }, 'invalid_request'],
		[{ status: 413, message: 'Payload too large' }, 'invalid_request'],
	])('%j: reason %s, and the hint of that class', (details, reason) => {
		expect(reasonOf(details)).toBe(reason);
		expect(hintFor(details)).toMatch(HINTS[reason]);
		for (const [other, hint] of Object.entries(HINTS)) if (other !== reason) expect(hintFor(details)).not.toMatch(hint);
	});
});
