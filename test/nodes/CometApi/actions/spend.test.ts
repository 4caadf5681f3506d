import { forgetPriceLists } from '../../../../nodes/CometApi/transport';
import { API_KEY } from '../../../helpers/fake-cometapi';
import { prices, requestPricing } from '../../../helpers/fake-prices';
import { model, runCometApi, type RunOptions } from '../../../helpers/harness';
import { useFakeCometApi } from '../../../helpers/setup';

/*
 * What each item cost (`cost` on every output item and every billed error item) and Max Spend per
 * Run, against the fake price list (fake-prices.ts): gpt-image-1 at $5 / $40 per M tokens,
 * Seedream at $0.03 per request, gpt-4o-image without pricing.
 */

const api = useFakeCometApi();

beforeEach(() => {
	prices.reset();
	forgetPriceLists();
});

const SEEDREAM = 'doubao-seedream-4-0-250828';

function generate(items: number, options: Record<string, unknown>, modelId: string, extra: Partial<RunOptions> = {}) {
	return runCometApi({
		parameters: { resource: 'image', operation: 'generate', prompt: 'a lighthouse', modelId: model(modelId), options },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		input: Array.from({ length: items }, (_, index) => ({ json: { index } })),
		...extra,
	});
}

const generations = () => api.requests.filter((request) => request.path === '/v1/images/generations');
const total = (costs: Array<{ usd?: number } | undefined>) => costs.reduce((sum, cost) => sum + (cost?.usd ?? 0), 0);

describe('cost on every item', () => {
	it('per_request: the price × the images asked for, shared among the item’s output items', async () => {
		const { output, error } = await generate(1, { n: 2 }, SEEDREAM);
		expect(error).toBeUndefined();
		expect(output.map((item) => item.json.cost)).toEqual([
			{ usd: 0.03, basis: 'per_request', model: SEEDREAM },
			{ usd: 0.03, basis: 'per_request', model: SEEDREAM },
		]);
		// read once, from the host root, without the key
		expect(prices.requests).toHaveLength(1);
		expect(prices.requests[0].headers.authorization).toBeUndefined();
	});

	it('per_request in one item: all images in one item carry the whole price', async () => {
		const { output } = await generate(1, { n: 3, outputMode: 'allInOne' }, SEEDREAM);
		expect(output).toHaveLength(1);
		expect(output[0].json.cost).toEqual({ usd: 0.09, basis: 'per_request', model: SEEDREAM });
	});

	it('tokens: the reply’s usage × the token prices; the same model priced per request when the list says so', async () => {
		const tokens = await generate(1, {}, 'gpt-image-1');
		expect(tokens.output[0].json.cost).toEqual({ usd: 0.16646, basis: 'tokens', model: 'gpt-image-1' });
		// a model's price mode can change between two reads of the list
		prices.entries['gpt-image-1'] = requestPricing(0.04);
		forgetPriceLists();
		const perRequest = await generate(1, {}, 'gpt-image-1');
		expect(perRequest.output[0].json.cost).toEqual({ usd: 0.04, basis: 'per_request', model: 'gpt-image-1' });
	});

	it('unknown: a token-priced reply without usage', async () => {
		api.override((request) =>
			request.path === '/v1/images/generations' ? { json: { created: 1, data: [{ b64_json: 'iVBORw0KGgo=' }] } } : undefined,
		);
		const { output } = await generate(1, {}, 'gpt-image-1');
		expect(output[0].json.cost).toEqual({ basis: 'unknown', model: 'gpt-image-1', note: 'the reply had no token usage' });
	});

	it('unknown: a model without pricing in the list', async () => {
		prices.entries[SEEDREAM] = undefined;
		const { output } = await generate(1, {}, SEEDREAM);
		expect(output[0].json.cost).toEqual({ basis: 'unknown', model: SEEDREAM, note: 'the model has no price in CometAPI’s price list' });
	});

	it('a price list that cannot be read: the run goes on, and its items say so', async () => {
		prices.answer = 'fail';
		const { output, error } = await generate(2, {}, SEEDREAM);
		expect(error).toBeUndefined();
		expect(output).toHaveLength(2);
		for (const item of output) {
			expect(item.json.cost).toMatchObject({ basis: 'unknown', model: SEEDREAM });
			expect(String((item.json.cost as { note: string }).note)).toMatch(/price list could not be read/);
		}
		// read once for the whole run (and remembered for the period)
		expect(prices.reads).toBe(1);
	});

	it('a billed error item carries its cost; an item not billed carries none', async () => {
		api.override((request) => {
			if (request.path !== '/v1/images/generations') return undefined;
			const index = generations().indexOf(request);
			return index === 0
				? { json: { created: 1, data: [{ url: `${api.imageHost.origin}/cdn/missing.png` }] } }
				: { status: 400, json: { error: { message: 'bad prompt', type: 'invalid_request_error', code: '' } } };
		});
		const { output } = await generate(2, { maxRetries: 0, maxConcurrency: 1 }, SEEDREAM, { continueOnFail: true });
		expect(output[0].json).toMatchObject({ billed: 'yes', reason: 'download', cost: { usd: 0.03, basis: 'per_request', model: SEEDREAM } });
		expect(output[1].json).toMatchObject({ billed: 'no' });
		expect(output[1].json.cost).toBeUndefined();
	});
});

describe('Max Spend per Run', () => {
	it('off by default: all 20 items are sent', async () => {
		const { output } = await generate(20, {}, SEEDREAM);
		expect(output).toHaveLength(20);
		expect(generations()).toHaveLength(20);
	});

	it('holds on 20 items with 32 in flight: per-request estimates, the rest fail with spend_cap, not billed, safe to retry', async () => {
		api.admit({ limit: 64, latencyMs: 100 });
		const { output, error } = await generate(20, { maxSpendUsd: 0.2, maxConcurrency: 32 }, SEEDREAM, { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(output).toHaveLength(20);
		// $0.03 each: 6 fit under $0.20, every one of them estimated while the others were in flight
		expect(generations()).toHaveLength(6);
		expect(api.maxInFlight()).toBe(6);
		const done = output.filter((item) => item.json.error === undefined);
		const capped = output.filter((item) => item.json.reason === 'spend_cap');
		expect(done).toHaveLength(6);
		expect(capped).toHaveLength(14);
		for (const item of capped) {
			expect(item.json).toMatchObject({ billed: 'no', retrySafe: true, reason: 'spend_cap', code: 'spend_cap' });
			expect(item.json.error).toMatch(/Max Spend per Run \(\$0\.2\) reached/);
			expect(item.json.cost).toBeUndefined();
		}
		expect(total(done.map((item) => item.json.cost as { usd?: number }))).toBeCloseTo(0.18, 8);
	});

	it('token-priced: estimated before any answer, then from the run’s answered items; stays under the cap when replies are as estimated', async () => {
		api.admit({ limit: 64, latencyMs: 50 });
		const { output } = await generate(20, { maxSpendUsd: 1, maxConcurrency: 32 }, 'gpt-image-1', { continueOnFail: true });
		const done = output.filter((item) => item.json.error === undefined);
		// 4 at the first estimate ($0.245 each), then more at the answered cost ($0.16646) while the cap allows
		expect(done.length).toBeGreaterThanOrEqual(4);
		expect(total(done.map((item) => item.json.cost as { usd?: number }))).toBeLessThanOrEqual(1);
		expect(output.filter((item) => item.json.reason === 'spend_cap')).toHaveLength(20 - done.length);
	});

	it('how far past the cap a run can go: the requests in flight, by what they cost beyond their estimates', async () => {
		api.admit({ limit: 64, latencyMs: 50 });
		// replies much longer than the first estimate (6,000 output tokens): 20,000 output tokens, $0.80 each
		api.override((request) =>
			request.path === '/v1/images/generations'
				? { json: { created: 1, data: [{ b64_json: 'iVBORw0KGgo=' }], usage: { input_tokens: 0, output_tokens: 20000 } } }
				: undefined,
		);
		const { output } = await generate(20, { maxSpendUsd: 1, maxConcurrency: 32 }, 'gpt-image-1', { continueOnFail: true });
		// 4 were in flight at $0.245 estimated each; none was sent after the first answers
		expect(generations()).toHaveLength(4);
		const done = output.filter((item) => item.json.error === undefined);
		expect(total(done.map((item) => item.json.cost as { usd?: number }))).toBeCloseTo(3.2, 8);
		expect(output.filter((item) => item.json.reason === 'spend_cap')).toHaveLength(16);
	});

	it('without On Error → Continue, the cap fails the node with reason spend_cap', async () => {
		const { error } = await generate(5, { maxSpendUsd: 0.05, maxConcurrency: 1 }, SEEDREAM);
		expect(generations()).toHaveLength(1);
		expect(error?.context).toMatchObject({ reason: 'spend_cap', billed: 'no', retrySafe: true });
		expect(error?.description).toMatch(/Raise Max Spend per Run/);
	});

	it('node version 2: Max Spend per Run is read from Request Options', async () => {
		const { output } = await runCometApi({
			parameters: {
				resource: 'image',
				operation: 'generate',
				prompt: 'a lighthouse',
				modelId: model(SEEDREAM),
				requestOptions: { maxSpendUsd: 0.05, maxConcurrency: 1 },
			},
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: [{ json: {} }, { json: {} }, { json: {} }],
			continueOnFail: true,
			typeVersion: 2,
		});
		expect(generations()).toHaveLength(1);
		expect(output.map((item) => item.json.reason ?? 'ok')).toEqual(['ok', 'spend_cap', 'spend_cap']);
	});

	it('without a price list the run goes on: the cap counts what the list prices', async () => {
		prices.answer = 'fail';
		const { output, error } = await generate(3, { maxSpendUsd: 0.01 }, SEEDREAM);
		expect(error).toBeUndefined();
		expect(output).toHaveLength(3);
	});
});
