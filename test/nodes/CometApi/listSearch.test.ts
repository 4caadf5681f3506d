import { searchModels } from '../../../nodes/CometApi/methods/listSearch';
import { API_KEY } from '../../helpers/fake-cometapi';
import { loadOptionsContext } from '../../helpers/harness';
import { useFakeCometApi } from '../../helpers/setup';

const api = useFakeCometApi();

const context = () =>
	loadOptionsContext({ parameters: {}, credentials: { apiKey: API_KEY, baseUrl: api.baseUrl } });

describe('Model picker: From list', () => {
	it('lists image models first, then every other model, from GET /models', async () => {
		const { results } = await searchModels.call(context());
		expect(api.requests).toHaveLength(1);
		expect(api.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
		expect(api.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(results.map((r) => r.value)).toEqual([
			'dall-e-3',
			'doubao-seedream-4-0-250828',
			'gemini-2.5-flash-image',
			'gpt-4o-image',
			'gpt-image-1',
			'claude-sonnet-4',
			'gpt-4o-mini',
			'text-embedding-3-small',
		]);
		expect(results.find((r) => r.value === 'gpt-image-1')!.name).toBe('gpt-image-1');
		expect(results.find((r) => r.value === 'gpt-4o-mini')!.name).toBe('gpt-4o-mini (not an image model)');
	});

	it('filters by the search text', async () => {
		const { results } = await searchModels.call(context(), 'SEED');
		expect(results.map((r) => r.value)).toEqual(['doubao-seedream-4-0-250828']);
	});

	it('a wrong key gives the API’s error', async () => {
		const ctx = loadOptionsContext({ parameters: {}, credentials: { apiKey: 'sk-nope', baseUrl: api.baseUrl } });
		await expect(searchModels.call(ctx)).rejects.toMatchObject({ httpCode: '401' });
	});
});
