import {
	chargeOf,
	formatPrice,
	forgetPriceLists,
	parsePriceList,
	PRICES_PERIOD_MS,
} from '../../../../nodes/CometApi/transport';
import { prices, requestPricing, tokenPricing } from '../../../helpers/fake-prices';
import { useFakeCometApi, runGenerate } from '../../../helpers/setup';

const api = useFakeCometApi();

beforeEach(() => {
	prices.reset();
	forgetPriceLists();
});

afterEach(() => jest.restoreAllMocks());

describe('the price list', () => {
	it('reads both price modes, leaves out models without pricing and upcoming ones, and keys by id and code', () => {
		const list = parsePriceList({
			data: [
				{ id: 'gpt-image-2', pricing: tokenPricing(4, 24) },
				{ id: 'mj_fast_imagine', pricing: requestPricing(0.05) },
				{ id: 'grok-4.5', code: 'grok-4-5', pricing: { input: '3', output: '15', per_request: null } },
				{ id: 'no-pricing' },
				{ id: 'zero', pricing: { input: 0, output: 0, per_request: 0 } },
				{ id: 'soon', upcoming: true, pricing: requestPricing(1) },
			],
			total: 6,
			page: 0,
			page_size: 0,
		});
		expect([...list.keys()]).toEqual(['gpt-image-2', 'mj_fast_imagine', 'grok-4.5', 'grok-4-5']);
		expect(list.get('gpt-image-2')).toEqual({ mode: 'tokens', input: 4, output: 24 });
		expect(list.get('mj_fast_imagine')).toEqual({ mode: 'per_request', usd: 0.05 });
		expect(list.get('grok-4-5')).toEqual({ mode: 'tokens', input: 3, output: 15 });
		expect(() => parsePriceList({ success: false })).toThrow(/no list of models/);
	});

	it('formats a price as the model pickers show it', () => {
		expect(formatPrice({ mode: 'per_request', usd: 0.04 })).toBe('$0.04 / image');
		expect(formatPrice({ mode: 'tokens', input: 4, output: 24 })).toBe('$4 / $24 per M tokens');
		expect(formatPrice({ mode: 'tokens', input: 0.3, output: 2.5 })).toBe('$0.3 / $2.5 per M tokens');
	});

	it('tells the model and image count of each paid request', () => {
		expect(chargeOf({ endpoint: '/images/generations', body: { model: 'gpt-image-1', n: 3 } })).toEqual({ models: ['gpt-image-1'], images: 3 });
		const form = new FormData();
		form.append('model', 'gpt-image-2');
		expect(chargeOf({ endpoint: '/images/edits', body: form })).toEqual({ models: ['gpt-image-2'], images: 1 });
		expect(chargeOf({ endpoint: '/v1beta/models/gemini-3.1-flash-image:generateContent', body: {} }).models).toEqual(['gemini-3.1-flash-image']);
		expect(chargeOf({ endpoint: '/flux/v1/flux-pro-1.1', body: {} }).models).toEqual(['flux-pro-1.1']);
		expect(chargeOf({ endpoint: '/replicate/v1/models/black-forest-labs/flux-schnell/predictions', body: {} }).models).toEqual([
			'black-forest-labs/flux-schnell',
		]);
		expect(chargeOf({ endpoint: '/mj/submit/imagine', body: {} }).models[0]).toBe('mj_fast_imagine');
		expect(chargeOf({ endpoint: '/kling/v1/images/generations', body: { model_name: 'kling-v2', n: 4 } })).toEqual({ models: ['kling-v2'], images: 4 });
		expect(chargeOf({ endpoint: '/bria/image/edit/remove_background', body: { num_results: 2 } })).toEqual({
			models: ['bria-remove_background', 'bria'],
			images: 2,
		});
	});

	it('is read once per period per process, shared by runs, without the key; then read again', async () => {
		const now = Date.now();
		const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
		await runGenerate(api);
		await runGenerate(api);
		expect(prices.reads).toBe(1);
		expect(prices.requests[0].path).toBe('/api/models');
		expect(prices.requests[0].headers.authorization).toBeUndefined();
		clock.mockReturnValue(now + PRICES_PERIOD_MS + 1);
		await runGenerate(api);
		expect(prices.reads).toBe(2);
	});

	it('a failed read is remembered for the period too: no run waits for it again', async () => {
		prices.answer = 'notJson';
		const first = await runGenerate(api);
		expect(first.output[0].json.cost).toMatchObject({ basis: 'unknown', note: expect.stringMatching(/no list of models/) });
		prices.answer = 'list';
		await runGenerate(api);
		expect(prices.reads).toBe(1);
	});
});
