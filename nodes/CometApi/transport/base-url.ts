import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'cometApi';
export const DEFAULT_BASE_URL = 'https://api.cometapi.com/v1';

/**
 * The two roots one CometAPI credential serves: the OpenAI-style API root (`…/v1`: images, chat,
 * models) and the host root (`https://api.cometapi.com`: Gemini's native API and the task APIs).
 */
export interface BaseUrls {
	api: string;
	host: string;
}

export type ApiRoot = keyof BaseUrls;

/**
 * The roots of a credential's Base URL: trailing slashes dropped, the default when a stored
 * credential has none; the host root is the API root without its trailing `/v1`. A host alone
 * (`https://api.cometapi.com`, the `/v1` left out) is the host root, and its API root is `/v1`
 * below it. The credential test maps the Base URL the same way (credentials/CometApi.credentials.ts).
 */
export function baseUrlsOf(configured: unknown): BaseUrls {
	const raw = typeof configured === 'string' ? configured.trim() : '';
	const root = (raw || DEFAULT_BASE_URL).replace(/\/+$/, '');
	const api = /^https?:\/\/[^/]+$/i.test(root) ? `${root}/v1` : root;
	return { api, host: api.replace(/\/v1$/, '') };
}

/** The roots of the item's CometAPI credential, checked to be http(s). */
export async function getBaseUrls(
	this: IExecuteFunctions | ILoadOptionsFunctions,
	itemIndex?: number,
): Promise<BaseUrls> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE, itemIndex);
	const roots = baseUrlsOf(credentials.baseUrl);
	if (!/^https?:\/\/[^/\s]+/i.test(roots.api)) {
		throw new NodeOperationError(
			this.getNode(),
			`The Base URL "${roots.api}" in the CometAPI credential is not an http(s) URL`,
			{
				itemIndex,
				description: 'Set it to the API root, e.g. https://api.cometapi.com/v1.',
			},
		);
	}
	return roots;
}
