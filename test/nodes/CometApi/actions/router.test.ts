import { sleep } from 'n8n-workflow';

import { errorReply, API_KEY, type FakeReply } from '../../../helpers/fake-cometapi';
import { binaryBuffer, runCometApi, startCometApi, type RunOptions } from '../../../helpers/harness';
import { makePng } from '../../../helpers/images';
import { eventually, useFakeCometApi } from '../../../helpers/setup';

const api = useFakeCometApi();

const attempts = () => api.requests.filter((r) => r.path === '/v1/images/generations').length;

const threeItems = [{ json: { prompt: 'a red kite' } }, { json: { prompt: 'a green kite' } }, { json: { prompt: 'a blue kite' } }];

function run(input: RunOptions['input'], extra: Partial<RunOptions> = {}, options: Record<string, unknown> = {}) {
	return runCometApi({
		parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.prompt }}', options },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		input,
		...extra,
	});
}

describe('Router: the item loop', () => {
	it('three input items give three requests and outputs in input order, paired with their inputs', async () => {
		const { output, error } = await run(threeItems);
		expect(error).toBeUndefined();
		expect(api.requests.map((r) => r.json?.prompt).sort()).toEqual(['a blue kite', 'a green kite', 'a red kite']);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output.map((item) => item.json.prompt)).toEqual(['a red kite', 'a green kite', 'a blue kite']);
		for (const item of output) expect(await binaryBuffer(item.binary!.data)).toEqual(makePng(8, 8, 1));
	});

	it('n=2 over three items keeps every image paired with its own input item', async () => {
		const { output } = await run(threeItems, {}, { n: 2 });
		expect(output.map((item) => (item.pairedItem as { item: number }).item)).toEqual([0, 0, 1, 1, 2, 2]);
		expect(output.map((item) => item.json.prompt)).toEqual([
			'a red kite',
			'a red kite',
			'a green kite',
			'a green kite',
			'a blue kite',
			'a blue kite',
		]);
	});

	it('continueOnFail: an API failure of the middle item gives its error item; the others still run', async () => {
		api.override((request) =>
			request.json?.prompt === 'a green kite' ? errorReply(400, 'Your request was rejected by the safety system.', 'moderation_blocked') : undefined,
		);
		const { output, error } = await run(threeItems, { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(api.requests).toHaveLength(3);
		expect(output).toHaveLength(3);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].binary?.data).toBeDefined();
		expect(output[1].binary).toBeUndefined();
		expect(output[1].json).toMatchObject({
			error: expect.stringMatching(/^Your request was rejected by the safety system\./),
			httpCode: '400',
			code: 'moderation_blocked',
			itemIndex: 1,
		});
		expect(output[2].binary?.data).toBeDefined();
	});

	it('continueOnFail: bad input of one item is refused for that item alone', async () => {
		const input = [{ json: { prompt: 'a red kite' } }, { json: { prompt: '' } }, { json: { prompt: 'a blue kite' } }];
		const { output } = await run(input, { continueOnFail: true });
		expect(api.requests.map((r) => r.json?.prompt).sort()).toEqual(['a blue kite', 'a red kite']);
		expect(output).toHaveLength(3);
		expect(output[1]).toMatchObject({ json: { error: 'Item 1: the Prompt is empty', itemIndex: 1 }, pairedItem: { item: 1 } });
	});

	it('items one at a time: the first failing item stops the node before later items start', async () => {
		const input = [{ json: { prompt: 'a red kite' } }, { json: { prompt: ' ' } }, { json: { prompt: 'a blue kite' } }];
		const { output, error, run: result } = await run(input, {}, { maxConcurrency: 1 });
		expect(result.status).toBe('error');
		expect(output).toEqual([]);
		expect(error!.message).toBe('Item 1: the Prompt is empty');
		expect(error!.context).toMatchObject({ itemIndex: 1 });
		expect(api.requests).toHaveLength(1);
	});

	it('Max Concurrent Requests caps what the API sees at once, over many items, in input order', async () => {
		const input = Array.from({ length: 12 }, (_, i) => ({ json: { prompt: `kite ${i}` } }));
		for (const maxConcurrency of [1, 3]) {
			api.reset();
			api.override(async () => {
				await sleep(30);
				return undefined;
			});
			const { output, error } = await run(input, {}, { maxConcurrency });
			expect(error).toBeUndefined();
			expect(api.requests).toHaveLength(12);
			expect(Math.max(...api.requests.map((r) => r.inFlightOnArrival ?? 0))).toBeLessThanOrEqual(maxConcurrency);
			expect(output.map((item) => item.json.prompt)).toEqual(input.map((item) => item.json.prompt));
		}
	});

	it('items in parallel: a failing item still fails the node with its own error and no output', async () => {
		const input = [{ json: { prompt: 'a red kite' } }, { json: { prompt: ' ' } }, { json: { prompt: 'a blue kite' } }];
		const { output, error } = await run(input);
		expect(output).toEqual([]);
		expect(error!.message).toBe('Item 1: the Prompt is empty');
		expect(error!.context).toMatchObject({ itemIndex: 1 });
	});

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
		// Item 0 and item 1 started together; item 0's failure came back first, so nothing more started
		// (and item 1's request was aborted, possibly before the API had read it).
		expect(attempts()).toBeLessThanOrEqual(2);
		expect(api.requests.slice(1).every((r) => r.abandoned)).toBe(true);
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

	it('without continueOnFail the first failure aborts the requests still in flight instead of waiting for them', async () => {
		api.override((request) =>
			request.json?.prompt === 'p0' ? { ...errorReply(400, 'Bad prompt'), delayMs: 100 } : { delayMs: 30_000, json: {} },
		);
		const { error, output } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.p }}', options: { maxConcurrency: 4 } },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: Array.from({ length: 4 }, (_, i) => ({ json: { p: `p${i}` } })),
		});
		expect(output).toEqual([]);
		expect(error!.message).toMatch(/^Bad prompt/);
		expect(error!.context).toMatchObject({ itemIndex: 0 });
		expect(attempts()).toBe(4);
		expect(await eventually(() => api.requests.filter((r) => r.json?.prompt !== 'p0').every((r) => r.abandoned))).toBe(true);
	});

	it('with continueOnFail a failing item aborts nothing: the others finish', async () => {
		api.override((request) =>
			request.json?.prompt === 'p0' ? errorReply(400, 'Bad prompt') : { delayMs: 300, json: { data: [{ b64_json: makePng().toString('base64') }] } },
		);
		const { error, output } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.p }}', options: { maxConcurrency: 4 } },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: Array.from({ length: 4 }, (_, i) => ({ json: { p: `p${i}` } })),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(output.map((item) => (item.binary ? 'image' : 'error'))).toEqual(['error', 'image', 'image', 'image']);
		expect(api.requests.some((r) => r.abandoned)).toBe(false);
	});
});
