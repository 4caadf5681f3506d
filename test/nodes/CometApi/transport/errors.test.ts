import { readApiError } from '../../../../nodes/CometApi/transport/errors';
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
