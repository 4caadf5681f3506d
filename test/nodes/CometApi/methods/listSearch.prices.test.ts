import { searchFluxModels, searchImageModels } from '../../../../nodes/CometApi/methods/listSearch';
import { forgetPriceLists } from '../../../../nodes/CometApi/transport';
import { API_KEY } from '../../../helpers/fake-cometapi';
import { prices } from '../../../helpers/fake-prices';
import { loadOptionsContext } from '../../../helpers/harness';
import { useFakeCometApi } from '../../../helpers/setup';

/* The model pickers show each model's price from the public price list (fake-prices.ts) beside its name. */

const api = useFakeCometApi();
const context = () => loadOptionsContext({ parameters: {}, credentials: { apiKey: API_KEY, baseUrl: api.baseUrl } });

beforeEach(() => {
	prices.reset();
	forgetPriceLists();
});

describe('Model picker: prices beside the names', () => {
	it('per image and per M tokens where the list has a price; the name alone where it has none', async () => {
		prices.entries['dall-e-3'] = undefined;
		const { results } = await searchImageModels.call(context());
		expect(results).toEqual([
			{ name: 'dall-e-3', value: 'dall-e-3' },
			{ name: 'doubao-seedream-4-0-250828 — $0.03 / image', value: 'doubao-seedream-4-0-250828' },
			{ name: 'gpt-image-1 — $5 / $40 per M tokens', value: 'gpt-image-1' },
		]);
		expect(prices.requests[0].headers.authorization).toBeUndefined();
		const flux = await searchFluxModels.call(context(), 'flux-pro-1.1');
		expect(flux.results[0]).toEqual({ name: 'flux-pro-1.1 — $0.04 / image', value: 'flux-pro-1.1' });
		expect(prices.reads).toBe(1);
	});

	it('a price list that cannot be read leaves the names as they are', async () => {
		prices.answer = 'fail';
		const { results } = await searchImageModels.call(context());
		expect(results.map((result) => result.name)).toEqual(['dall-e-3', 'doubao-seedream-4-0-250828', 'gpt-image-1']);
	});
});
