import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import {
	isChatImageModel,
	isEditModel,
	isGeminiImageModel,
	isGeminiModel,
	isFluxModel,
	isGenerationModel,
	isKlingImageModel,
} from '../helpers/model-families';
import { apiRequest, findPrice, formatPrice, getPriceList } from '../transport';

/*
 * "From list" of each operation's model picker: the account's models from GET /models that suit
 * the operation, by family name. Any other ID can still be entered in By ID mode.
 */

/** Each model's price from CometAPI's public price list beside its name ("gpt-image-2 — $4 / $24 per M tokens"), where the list has one. */
async function withPrices(context: ILoadOptionsFunctions, list: INodeListSearchResult): Promise<INodeListSearchResult> {
	const prices = await getPriceList(context);
	const results = list.results.map((result) => {
		const { price } = findPrice(prices, [String(result.value)]);
		return price ? { ...result, name: `${result.name} — ${formatPrice(price)}` } : result;
	});
	return { ...list, results };
}

async function listModels(
	context: ILoadOptionsFunctions,
	filter: string | undefined,
	suits: (id: string) => boolean,
	/** Lower ranks are listed first; within a rank, by ID. */
	rank: (id: string) => number = () => 0,
): Promise<INodeListSearchResult> {
	const response = await apiRequest.call(context, { method: 'GET', endpoint: '/models', timeoutSeconds: 30 });
	const entries = Array.isArray(response.data) ? (response.data as IDataObject[]) : [];
	const needle = (filter ?? '').trim().toLowerCase();
	const ids = new Set(entries.map((entry) => (typeof entry?.id === 'string' ? entry.id : '')));
	const results = [...ids]
		.filter((id) => id && suits(id) && (!needle || id.toLowerCase().includes(needle)))
		.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
		.map((id) => ({ name: id, value: id }));
	return await withPrices(context, { results });
}

export async function searchImageModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await listModels(this, filter, isGenerationModel);
}

export async function searchEditModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await listModels(this, filter, isEditModel);
}

export async function searchChatImageModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await listModels(this, filter, isChatImageModel);
}

export async function searchGeminiImageModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await listModels(this, filter, isGeminiModel, (id) => (isGeminiImageModel(id) ? 0 : 1));
}

/**
 * The account's model IDs of a family from GET /models, or undefined when the list cannot be read
 * or names none of the family: the task families' pickers then show the models CometAPI's pages name.
 */
async function accountModels(context: ILoadOptionsFunctions, suits: (id: string) => boolean): Promise<string[] | undefined> {
	try {
		const response = await apiRequest.call(context, { method: 'GET', endpoint: '/models', timeoutSeconds: 30 });
		const entries = Array.isArray(response.data) ? (response.data as IDataObject[]) : [];
		const ids = [...new Set(entries.map((entry) => (typeof entry?.id === 'string' ? entry.id : '')).filter((id) => id && suits(id)))];
		return ids.length > 0 ? ids : undefined;
	} catch {
		return undefined;
	}
}

/** Flux models CometAPI's pages name (POST /flux/v1/{model}), when the account's list names none. */
const FLUX_MODELS = [
	'flux-2-flex',
	'flux-2-klein-4b',
	'flux-2-klein-9b',
	'flux-2-max',
	'flux-2-pro',
	'flux-dev',
	'flux-kontext-max',
	'flux-kontext-pro',
	'flux-pro',
	'flux-pro-1.0-canny',
	'flux-pro-1.0-depth',
	'flux-pro-1.0-fill',
	'flux-pro-1.1',
	'flux-pro-1.1-ultra',
];

export async function searchFluxModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const ids = ((await accountModels(this, isFluxModel)) ?? FLUX_MODELS).filter((id) => id.toLowerCase().includes(needle)).sort((a, b) => a.localeCompare(b));
	return await withPrices(this, { results: ids.map((id) => ({ name: id, value: id })) });
}

/** Kling's image models CometAPI's page names (POST /kling/v1/images/generations), when the account's list names none. */
const KLING_MODELS = ['kling-v3', 'kling-v2-1', 'kling-v2', 'kling-v1-5', 'kling-v1'];

export async function searchKlingModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	// Newest first: kling-v3, kling-v2-1, kling-v2…
	const ids = ((await accountModels(this, isKlingImageModel)) ?? KLING_MODELS).filter((id) => id.toLowerCase().includes(needle)).sort((a, b) => b.localeCompare(a));
	return { results: ids.map((id) => ({ name: id, value: id })) };
}
