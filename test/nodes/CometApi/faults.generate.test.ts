import { sleep } from 'n8n-workflow';

import { API_KEY, errorReply, startImageHost, type FakeReply } from '../../helpers/fake-cometapi';
import { runCometApi, startCometApi, type RunOptions } from '../../helpers/harness';
import { makePng } from '../../helpers/images';
import { useFakeCometApi } from '../../helpers/setup';

/*
 * Fault suite, Generate Image: the fake CometAPI misbehaves on demand; every case asserts the exact
 * outcome, the number of attempts the server saw, and that no item is lost.
 */

const api = useFakeCometApi();

const attempts = () => api.requests.filter((r) => r.path === '/v1/images/generations').length;

function generate(options: Record<string, unknown> = {}, extra: Partial<RunOptions> = {}) {
	return runCometApi({
		parameters: { resource: 'image', operation: 'generate', prompt: 'a lighthouse', options },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		...extra,
	});
}

/** Answers the first `times` requests with `reply`, then lets the fake API answer normally. */
function failFirst(times: number, reply: FakeReply) {
	let seen = 0;
	api.override(() => (seen++ < times ? reply : undefined));
}

/** Waits (up to 5 s) for the server to notice what the client did, e.g. a closed connection. */
async function eventually(condition: () => boolean): Promise<boolean> {
	for (let waited = 0; waited < 5000 && !condition(); waited += 20) {
		await sleep(20);
	}
	return condition();
}

const ok = (item: { binary?: Record<string, unknown> }) => expect(item.binary?.data).toBeDefined();

describe('Fault suite: retried failures', () => {
	it('429 with Retry-After, then success: 2 attempts, one image', async () => {
		failFirst(1, { ...errorReply(429, 'Rate limit reached for requests', 'rate_limit_exceeded'), headers: { 'retry-after': '0' } });
		const { output, error } = await generate();
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
		expect(output).toHaveLength(1);
		ok(output[0]);
	});

	it('429 with an HTTP-date Retry-After, then success: 2 attempts', async () => {
		failFirst(1, { ...errorReply(429, 'Rate limit reached'), headers: { 'retry-after': new Date(Date.now() - 1000).toUTCString() } });
		const { error } = await generate();
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
	});

	it.each([500, 502, 503, 504, 524])('%i then success: 2 attempts, one image', async (status) => {
		failFirst(1, errorReply(status, `upstream error ${status}`, 'upstream_error'));
		const { output, error } = await generate();
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
		ok(output[0]);
	});

	it('a reset connection, then success: 2 attempts', async () => {
		failFirst(1, { destroy: true });
		const { output, error } = await generate();
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
		ok(output[0]);
	});

	it('429 forever: Max Retries 2 gives 3 attempts and says so', async () => {
		api.override(() => ({ ...errorReply(429, 'Rate limit reached for requests', 'rate_limit_exceeded'), headers: { 'retry-after': '0' } }));
		const { error, output } = await generate();
		expect(output).toEqual([]);
		expect(attempts()).toBe(3);
		expect(error!.message).toMatch(/^Rate limit reached for requests \(request id: [^)]+\) \(after 3 attempts\)$/);
		expect(error!.httpCode).toBe('429');
		expect(error!.context).toMatchObject({ itemIndex: 0, attempts: 3, apiErrorCode: 'rate_limit_exceeded' });
	});

	it('a reset connection forever with Max Retries 1: 2 attempts, then the network error', async () => {
		api.override(() => ({ destroy: true }));
		const { error } = await generate({ maxRetries: 1 });
		expect(attempts()).toBe(2);
		expect(error!.message).toBe('The connection to CometAPI was reset (after 2 attempts)');
	});

	it('a hang past the timeout: each attempt is cut at the Timeout, then a clear error', async () => {
		api.override(() => ({ delayMs: 30_000, json: {} }));
		const { error } = await generate({ timeout: 1, maxRetries: 1 });
		expect(attempts()).toBe(2);
		expect(await eventually(() => api.requests.every((r) => r.abandoned))).toBe(true);
		expect(error!.message).toBe('CometAPI did not answer within 1 s (the Timeout option) (after 2 attempts)');
	});

	it('Max Retries 0 turns retries off: a 503 is final after 1 attempt', async () => {
		api.override(() => errorReply(503, 'Service temporarily unavailable'));
		const { error } = await generate({ maxRetries: 0 });
		expect(attempts()).toBe(1);
		expect(error!.message).toMatch(/^Service temporarily unavailable/);
		expect(error!.message).not.toContain('attempts');
		expect(error!.httpCode).toBe('503');
	});
});

describe('Fault suite: failures that are never retried', () => {
	it.each([
		[400, 'Invalid size: 999x999', 'invalid_value', /options this model supports|parameter/],
		[401, 'Invalid token', '', /API key/],
		[403, 'insufficient_user_quota: token quota is not enough', 'insufficient_user_quota', /top up/],
		[404, 'The model `gpt-image-9` does not exist', 'model_not_found', /model ID/],
		[413, 'Request entity too large', '', /smaller/],
		[422, 'Unprocessable prompt', '', /./],
		[500, 'model name is required', 'invalid_request', /./],
	])('%i (%s): 1 attempt, CometAPI’s message and a hint', async (status, message, code, hint) => {
		api.override(() => errorReply(status, message, code));
		const { error } = await generate();
		expect(attempts()).toBe(1);
		expect(error!.message).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')} \\(request id: [^)]+\\)$`));
		expect(error!.httpCode).toBe(String(status));
		expect(error!.description).toMatch(hint);
		expect(error!.context).toMatchObject({ itemIndex: 0 });
	});

	it.each([
		['malformed JSON', { raw: Buffer.from('{"created": 1, "data": ['), headers: { 'content-type': 'application/json' } }, /^CometAPI answered with something that is not a JSON object/],
		['an HTML page', { text: '<html><body>Cloudflare</body></html>', headers: { 'content-type': 'text/html' } }, /^CometAPI answered with an HTML page instead of JSON$/],
		['200 with no data', { json: { created: 1 } }, /^CometAPI’s reply holds no images \(no "data" list\)$/],
		['data with neither b64_json nor url', { json: { data: [{ foo: 1 }] } }, /^Image 1 in CometAPI’s reply has neither "b64_json" nor "url"$/],
		['invalid base64', { json: { data: [{ b64_json: '%%%' }] } }, /^Image 1 in CometAPI’s reply is not valid base64$/],
		['a URL that is not http(s)', { json: { data: [{ url: 'file:///etc/passwd' }] } }, /^The image URL "file:\/\/\/etc\/passwd" is not an http\(s\) URL$/],
	] as Array<[string, FakeReply, RegExp]>)('%s: 1 attempt and a clear error', async (_case, reply, message) => {
		api.override(() => reply);
		const { error } = await generate();
		expect(attempts()).toBe(1);
		expect(error!.message).toMatch(message);
		expect(error!.context).toMatchObject({ itemIndex: 0 });
	});

	it('an expired image URL (404 at the image host) names the host', async () => {
		api.override(() => ({ json: { data: [{ url: `${api.imageHost.origin}/cdn/expired.png` }] } }));
		const { error } = await generate();
		expect(error!.message).toBe(`Downloading the image from ${new URL(api.imageHost.origin).host} failed with HTTP 404`);
	});
});

describe('Fault suite: items, cancellation and parallelism', () => {
	it('continueOnFail over five items with five different faults: no item lost, order and pairing kept', async () => {
		const byPrompt: Record<string, FakeReply | undefined> = {
			p0: undefined,
			p1: errorReply(400, 'Invalid value for quality'),
			p2: { json: { data: [{ b64_json: '***' }] } },
			p3: undefined,
			p4: errorReply(404, 'model not found', 'model_not_found'),
		};
		api.override((request) => byPrompt[String(request.json?.prompt)]);
		const { output, error } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.p }}' },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: ['p0', 'p1', 'p2', 'p3', 'p4'].map((p) => ({ json: { p } })),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(attempts()).toBe(5);
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(output.map((item) => (item.binary ? 'image' : String(item.json.error).slice(0, 20)))).toEqual([
			'image',
			'Invalid value for qu',
			'Image 1 in CometAPI’',
			'image',
			'model not found (req',
		]);
		expect(output[4].json).toMatchObject({ httpCode: '404', code: 'model_not_found', itemIndex: 4 });
	});

	it('without continueOnFail the first failure stops new items from starting', async () => {
		api.override((request) => (request.json?.prompt === 'p0' ? errorReply(400, 'Bad prompt') : { delayMs: 200, json: { data: [{ b64_json: makePng().toString('base64') }] } }));
		const { error, output } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.p }}', options: { maxConcurrency: 2 } },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: Array.from({ length: 8 }, (_, i) => ({ json: { p: `p${i}` } })),
		});
		expect(output).toEqual([]);
		expect(error!.message).toMatch(/^Bad prompt/);
		expect(error!.context).toMatchObject({ itemIndex: 0 });
		// Item 0 and item 1 started together; item 0's failure came back first, so nothing more started.
		expect(attempts()).toBe(2);
	});

	it('cancelling mid-request aborts the request in flight and starts no retry or further item', async () => {
		let cancel: () => void = () => {};
		api.override(() => {
			cancel();
			return { delayMs: 30_000, json: {} };
		});
		const started = startCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.p }}', options: { maxConcurrency: 1 } },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: [{ json: { p: 'a' } }, { json: { p: 'b' } }, { json: { p: 'c' } }],
		});
		cancel = started.cancel;
		const { error } = await started.nodeSettled;
		expect(error).toBeDefined();
		expect(attempts()).toBe(1);
		expect(await eventually(() => api.requests[0].abandoned === true)).toBe(true);
		expect(attempts()).toBe(1);
	});

	it('an API that admits 3 requests in flight: 20 items all complete, and after the first window it never sees more than 4 at once', async () => {
		let admitted = 0;
		api.override(async () => {
			if (admitted >= 3) return { ...errorReply(429, 'Too many concurrent requests'), headers: { 'retry-after': '1' } };
			admitted += 1;
			await sleep(150);
			admitted -= 1;
			return { json: { created: 1, data: [{ b64_json: makePng(2, 2).toString('base64') }] } };
		});
		const { output, error } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.p }}' },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: Array.from({ length: 20 }, (_, i) => ({ json: { p: `p${i}` } })),
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(20);
		expect(output.map((item) => (item.pairedItem as { item: number }).item)).toEqual([...Array(20).keys()]);
		expect(output.every((item) => item.binary?.data)).toBe(true);
		const firstWindow = 8; // Max Concurrent Requests: the burst sent before any answer came back
		const later = api.requests.slice(firstWindow);
		expect(later.length).toBeGreaterThan(12);
		expect(Math.max(...later.map((r) => r.inFlightOnArrival ?? 0))).toBeLessThanOrEqual(4);
	});
});

describe('Key safety', () => {
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
				const { run, error, output } = await generate({ maxRetries: 1 }, { continueOnFail });
				expect(error ?? output[0].json.error).toBeDefined();
				const serialised = JSON.stringify({ run, error, output, context: error?.context, description: error?.description });
				expect(serialised).not.toContain(API_KEY);
				expect(serialised).not.toContain('Bearer');
			}
		}
	});

	it('image downloads never carry the Authorization header, redirects to another host included', async () => {
		const otherHost = await startImageHost();
		try {
			const finalUrl = otherHost.publish('final.png', makePng(3, 3), 'image/png');
			api.override(() => ({ json: { data: [{ url: api.imageHost.redirect('moved.png', finalUrl) }] } }));
			const { output, error } = await generate();
			expect(error).toBeUndefined();
			expect(output[0].binary?.data).toBeDefined();
			expect(api.imageHost.requests).toHaveLength(1);
			expect(otherHost.requests).toHaveLength(1);
			for (const request of [...api.imageHost.requests, ...otherHost.requests]) {
				expect(request.headers.authorization).toBeUndefined();
				expect(JSON.stringify(request.headers)).not.toContain(API_KEY);
			}
		} finally {
			await otherHost.close();
		}
	});
});
