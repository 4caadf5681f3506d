import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { CometApi } from '../../../../nodes/CometApi/CometApi.node';

import {
	searchChatImageModels,
	searchEditModels,
	searchFluxModels,
	searchGeminiImageModels,
	searchImageModels,
	searchKlingModels,
} from '../../../../nodes/CometApi/methods/listSearch';
import { API_KEY } from '../../../helpers/fake-cometapi';
import { loadOptionsContext } from '../../../helpers/harness';
import { useFakeCometApi } from '../../../helpers/setup';

const api = useFakeCometApi();

type Search = (this: ILoadOptionsFunctions, filter?: string) => Promise<INodeListSearchResult>;

const context = (apiKey = API_KEY) => loadOptionsContext({ parameters: {}, credentials: { apiKey, baseUrl: api.baseUrl } });
const ids = async (search: Search, filter?: string) => (await search.call(context(), filter)).results.map((r) => r.value);

/*
 * The fake's GET /v1/models: gpt-4o-mini, gpt-image-1, dall-e-3, gpt-4o-image,
 * doubao-seedream-4-0-250828, claude-sonnet-4, gemini-2.5-flash-image, gemini-3.1-flash-image, text-embedding-3-small.
 */
describe('Model picker: From list, per operation', () => {
	it('Generate lists the Images API generation models, sorted, from GET /models with the key', async () => {
		expect(await ids(searchImageModels)).toEqual(['dall-e-3', 'doubao-seedream-4-0-250828', 'gpt-image-1']);
		expect(api.requests).toHaveLength(1);
		expect(api.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
		expect(api.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
	});

	it('Edit lists models that edit (no dall-e-3, which only generates)', async () => {
		expect(await ids(searchEditModels)).toEqual(['doubao-seedream-4-0-250828', 'gpt-image-1']);
	});

	it('Generate with Chat Model lists chat image models, no plain chat or embedding models', async () => {
		expect(await ids(searchChatImageModels)).toEqual(['gemini-2.5-flash-image', 'gemini-3.1-flash-image', 'gpt-4o-image', 'gpt-image-1']);
	});

	it('the search text narrows the list, case-insensitively', async () => {
		expect(await ids(searchImageModels, 'SEED')).toEqual(['doubao-seedream-4-0-250828']);
		expect(await ids(searchChatImageModels, 'gemini')).toEqual(['gemini-2.5-flash-image', 'gemini-3.1-flash-image']);
		expect(await ids(searchEditModels, 'nothing-like-this')).toEqual([]);
	});

	it('names each entry by its model ID (its price beside it: listSearch.prices.test.ts)', async () => {
		const { results } = await searchImageModels.call(context());
		expect(results.every((r) => r.name.startsWith(String(r.value)))).toBe(true);
	});

	it('a wrong key gives the API’s error', async () => {
		await expect(searchEditModels.call(context('sk-nope'))).rejects.toMatchObject({ httpCode: '401' });
	});

	it('Gemini lists its image models first, then the other Gemini models (no embedding, speech or live models)', async () => {
		const models = [
			'gpt-image-1', 'gemini-2.5-pro', 'gemini-3-pro-image-preview', 'gemini-embedding-001', 'gemini-2.5-flash-preview-tts',
			'gemini-3.1-flash-image-preview', 'gemini-2.5-flash-image', 'gemini-live-2.5-flash', 'nano-banana', 'imagen-4.0-generate',
		];
		api.override((request) => (request.path === '/v1/models' ? { json: { object: 'list', data: models.map((id) => ({ id })) } } : undefined));
		expect(await ids(searchGeminiImageModels)).toEqual([
			'gemini-2.5-flash-image', 'gemini-3-pro-image-preview', 'gemini-3.1-flash-image-preview', 'nano-banana', 'gemini-2.5-pro',
		]);
		expect(await ids(searchGeminiImageModels, 'PRO')).toEqual(['gemini-3-pro-image-preview', 'gemini-2.5-pro']);
	});

	it.each([
		['generateImage', ['gemini-2.5-flash-image', 'gemini-3.1-flash-image']],
		['generate', ['dall-e-3', 'doubao-seedream-4-0-250828', 'gpt-image-1']],
		['edit', ['doubao-seedream-4-0-250828', 'gpt-image-1']],
		['chat', ['gemini-2.5-flash-image', 'gemini-3.1-flash-image', 'gpt-4o-image', 'gpt-image-1']],
	])('the node’s %s model picker lists the models that suit its operation', async (operation, expected) => {
		const node = new CometApi();
		const picker = node.description.properties.find(
			(p) => p.name === 'modelId' && p.displayOptions?.show?.operation?.includes(operation),
		)!;
		const method = String(picker.modes![0].typeOptions?.searchListMethod);
		const search = (node.methods.listSearch as Record<string, Search>)[method];
		expect(await ids(search)).toEqual(expected);
	});
});

describe('Model picker: Kling', () => {
	it('lists Kling’s image models, newest first (kling-v3, the default, on top); the search text narrows it', async () => {
		const names = async (filter?: string) => (await searchKlingModels.call(context(), filter)).results.map((r) => r.value);
		expect(await names()).toEqual(['kling-v3', 'kling-v2-1', 'kling-v2', 'kling-v1-5', 'kling-v1']);
		expect(await names('V2')).toEqual(['kling-v2-1', 'kling-v2']);
	});
});

describe('Model picker: Flux and Kling list the account’s models of their family', () => {
	const serve = (models: string[]) =>
		api.override((request) => (request.path === '/v1/models' ? { json: { object: 'list', data: models.map((id) => ({ id })) } } : undefined));

	it('Flux lists the account’s flux-* models from GET /models, sorted', async () => {
		serve(['gpt-image-2', 'flux-2-pro', 'flux-kontext-max', 'flux-2-klein-4b', 'kling-v3']);
		const names = (await searchFluxModels.call(context())).results.map((r) => r.value);
		expect(names).toEqual(['flux-2-klein-4b', 'flux-2-pro', 'flux-kontext-max']);
	});

	it('Kling lists the account’s kling-v* image models, newest first (no video models)', async () => {
		serve(['kling-v2', 'kling-video-v2-1', 'kling-v3', 'flux-2-pro', 'kling-v2-1']);
		const names = (await searchKlingModels.call(context())).results.map((r) => r.value);
		expect(names).toEqual(['kling-v3', 'kling-v2-1', 'kling-v2']);
	});

	it('when the account lists none of the family (or the list cannot be read), the models CometAPI’s pages name', async () => {
		serve(['gpt-image-2']);
		expect((await searchFluxModels.call(context(), 'klein')).results.map((r) => r.value)).toEqual(['flux-2-klein-4b', 'flux-2-klein-9b']);
		expect((await searchKlingModels.call(context('sk-nope'))).results.map((r) => r.value)).toEqual(['kling-v3', 'kling-v2-1', 'kling-v2', 'kling-v1-5', 'kling-v1']);
	});
});
