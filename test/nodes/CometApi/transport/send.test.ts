import { API_KEY, errorReply, type FakeReply } from '../../../helpers/fake-cometapi';
import { eventually, failFirst as failFirstAt, runGenerate, useFakeCometApi } from '../../../helpers/setup';

/*
 * One request to CometAPI, through Generate Image: what is retried (with how many attempts the
 * fake saw), what never is, and that the key never leaves the request. The fake misbehaves on demand.
 */

const api = useFakeCometApi();

const GENERATIONS = '/v1/images/generations';
const attempts = () => api.requests.filter((r) => r.path === GENERATIONS).length;
const failFirst = (times: number, reply: FakeReply) => failFirstAt(api, times, reply, GENERATIONS);
const ok = (item: { binary?: Record<string, unknown> }) => expect(item.binary?.data).toBeDefined();

describe('send: retried failures', () => {
	it('429 with Retry-After, then success: 2 attempts, one image', async () => {
		failFirst(1, { ...errorReply(429, 'Rate limit reached for requests', 'rate_limit_exceeded'), headers: { 'retry-after': '0' } });
		const { output, error } = await runGenerate(api);
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
		expect(output).toHaveLength(1);
		ok(output[0]);
	});

	it('429 with an HTTP-date Retry-After, then success: 2 attempts', async () => {
		failFirst(1, { ...errorReply(429, 'Rate limit reached'), headers: { 'retry-after': new Date(Date.now() - 1000).toUTCString() } });
		const { error } = await runGenerate(api);
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
	});

	it.each([500, 502, 503, 504, 524])('%i then success: 2 attempts, one image', async (status) => {
		failFirst(1, errorReply(status, `upstream error ${status}`, 'upstream_error'));
		const { output, error } = await runGenerate(api);
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
		ok(output[0]);
	});

	it('a reset connection, then success: 2 attempts', async () => {
		failFirst(1, { destroy: true });
		const { output, error } = await runGenerate(api);
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
		ok(output[0]);
	});

	it('429 forever: waited out until Rate Limit Wait runs out, whatever Max Retries says, then CometAPI’s message', async () => {
		api.override(() => ({ ...errorReply(429, 'Rate limit reached for requests', 'rate_limit_exceeded'), headers: { 'retry-after': '1' } }));
		// Retry-After 1 s: attempts at 0 s, 1 s and 2 s; a third wait would end past the 2.5 s budget.
		const { error, output } = await runGenerate(api, { maxRetries: 0, rateLimitWait: 2.5 });
		expect(output).toEqual([]);
		expect(attempts()).toBe(3);
		expect(error!.message).toMatch(/^Rate limit reached for requests \(request id: [^)]+\) \(after 3 attempts\)$/);
		expect(error!.description).toContain('Still rate limited after waiting up to 2.5 s (Rate Limit Wait)');
		expect(error!.httpCode).toBe('429');
		expect(error!.context).toMatchObject({ itemIndex: 0, attempts: 3, apiErrorCode: 'rate_limit_exceeded' });
	});

	it('429s do not use up Max Retries: three 429s, then a 503, then success with Max Retries 1', async () => {
		const replies: FakeReply[] = [
			...Array.from({ length: 3 }, () => ({ ...errorReply(429, 'Rate limit reached'), headers: { 'retry-after': '0' } })),
			errorReply(503, 'Service temporarily unavailable'),
		];
		api.override((request) => (request.path === GENERATIONS ? replies.shift() : undefined));
		const { output, error } = await runGenerate(api, { maxRetries: 1 });
		expect(error).toBeUndefined();
		expect(attempts()).toBe(5);
		ok(output[0]);
	});

	it('Rate Limit Wait 0: a 429 fails the item at once', async () => {
		api.override(() => ({ ...errorReply(429, 'Rate limit reached'), headers: { 'retry-after': '0' } }));
		const { error } = await runGenerate(api, { rateLimitWait: 0 });
		expect(attempts()).toBe(1);
		expect(error!.httpCode).toBe('429');
	});

	it('a reset connection forever with Max Retries 1: 2 attempts, then the network error', async () => {
		api.override(() => ({ destroy: true }));
		const { error } = await runGenerate(api, { maxRetries: 1 });
		expect(attempts()).toBe(2);
		expect(error!.message).toBe('The connection to CometAPI was reset (after 2 attempts)');
	});

	it('a POST that timed out is not sent again by default (it may have been billed), and says why', async () => {
		api.override(() => ({ delayMs: 30_000, json: {} }));
		const { error } = await runGenerate(api, { timeout: 1, maxRetries: 2 });
		expect(attempts()).toBe(1);
		expect(await eventually(() => api.requests.every((r) => r.abandoned))).toBe(true);
		expect(error!.message).toBe('CometAPI did not answer within 1 s (the Timeout option)');
		expect(error!.description).toMatch(/billed.*Retry Timed-Out Requests/);
	});

	it('Retry Timed-Out Requests on: each attempt is cut at the Timeout and retried within Max Retries', async () => {
		api.override(() => ({ delayMs: 30_000, json: {} }));
		const { error } = await runGenerate(api, { timeout: 1, maxRetries: 1, retryTimeouts: true });
		expect(attempts()).toBe(2);
		expect(await eventually(() => api.requests.every((r) => r.abandoned))).toBe(true);
		expect(error!.message).toBe('CometAPI did not answer within 1 s (the Timeout option) (after 2 attempts)');
	});

	it('a refused connection is retried within Max Retries', async () => {
		const { output, error } = await runGenerate(api, { maxRetries: 1 }, {
			credentials: { apiKey: API_KEY, baseUrl: 'http://127.0.0.1:9/v1' },
		});
		expect(output).toEqual([]);
		expect(error!.message).toBe('CometAPI refused the connection (after 2 attempts)');
	});

	it('Max Retries 0 turns retries off: a 503 is final after 1 attempt', async () => {
		api.override(() => errorReply(503, 'Service temporarily unavailable'));
		const { error } = await runGenerate(api, { maxRetries: 0 });
		expect(attempts()).toBe(1);
		expect(error!.message).toMatch(/^Service temporarily unavailable/);
		expect(error!.message).not.toContain('attempts');
		expect(error!.httpCode).toBe('503');
	});
});

describe('send: failures that are never retried', () => {
	it.each([
		[400, 'Invalid size: 999x999', 'invalid_value', /options this model supports|parameter/],
		[401, 'Invalid token', '', /API key/],
		[403, 'insufficient_user_quota: token quota is not enough', 'insufficient_user_quota', /top up/],
		[429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', /top up/],
		[404, 'The model `gpt-image-9` does not exist', 'model_not_found', /model ID/],
		[413, 'Request entity too large', '', /smaller/],
		[422, 'Unprocessable prompt', '', /./],
		[500, 'model name is required', 'invalid_request', /./],
	])('%i (%s): 1 attempt, CometAPI’s message and a hint', async (status, message, code, hint) => {
		api.override(() => errorReply(status, message, code));
		const { error } = await runGenerate(api);
		expect(attempts()).toBe(1);
		expect(error!.message).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')} \\(request id: [^)]+\\)$`));
		expect(error!.httpCode).toBe(String(status));
		expect(error!.description).toMatch(hint);
		expect(error!.context).toMatchObject({ itemIndex: 0 });
	});
});

describe('send: a 429 that says the account is out of credit', () => {
	it('is final at once (no wait fixes it): reason balance, billed no', async () => {
		api.override(() => ({
			...errorReply(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota'),
			headers: { 'retry-after': '1' },
		}));
		const { error } = await runGenerate(api, { rateLimitWait: 5 });
		expect(attempts()).toBe(1);
		expect(error!.context).toMatchObject({ reason: 'balance', billed: 'no', retrySafe: true });
	});
});

describe('send: the API key', () => {
	it('the API key appears nowhere in the run data or errors of failing runs', async () => {
		const failures: FakeReply[] = [
			errorReply(401, 'Invalid token'),
			{ ...errorReply(429, 'Rate limit reached'), headers: { 'retry-after': '0' } },
			{ destroy: true },
			{ text: '<html>proxy</html>', headers: { 'content-type': 'text/html' } },
		];
		for (const failure of failures) {
			for (const continueOnFail of [false, true]) {
				api.reset();
				api.override(() => failure);
				const { run, error, output } = await runGenerate(api, { maxRetries: 1, rateLimitWait: 0 }, { continueOnFail });
				expect(error ?? output[0].json.error).toBeDefined();
				const serialised = JSON.stringify({ run, error, output, context: error?.context, description: error?.description });
				expect(serialised).not.toContain(API_KEY);
				expect(serialised).not.toContain('Bearer');
			}
		}
	});
});
