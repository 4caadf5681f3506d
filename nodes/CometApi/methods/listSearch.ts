import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { apiRequest } from '../transport';

// Model IDs of CometAPI's image families, listed first in the picker.
const IMAGE_MODEL = /(image|dall-e|flux|seedream|seededit|imagen|midjourney|recraft|ideogram|stable-diffusion|sdxl|kolors|hidream|banana)/i;

function isImageModel(id: string): boolean {
	return IMAGE_MODEL.test(id);
}

/** "From list" of the model picker: GET /models, image models first, then every other model. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const response = await apiRequest.call(this, { method: 'GET', endpoint: '/models', timeoutSeconds: 30 });
	const entries = Array.isArray(response.data) ? (response.data as IDataObject[]) : [];
	const needle = (filter ?? '').trim().toLowerCase();
	const ids = [
		...new Set(
			entries
				.map((entry) => (typeof entry?.id === 'string' ? entry.id : ''))
				.filter((id) => id && (!needle || id.toLowerCase().includes(needle))),
		),
	];
	const byName = (a: string, b: string) => a.localeCompare(b);
	const imageIds = ids.filter(isImageModel).sort(byName);
	const otherIds = ids.filter((id) => !isImageModel(id)).sort(byName);
	const results: INodeListSearchItems[] = [
		...imageIds.map((id) => ({ name: id, value: id })),
		...otherIds.map((id) => ({ name: `${id} (not an image model)`, value: id })),
	];
	return { results };
}
