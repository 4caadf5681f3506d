import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiError, looksLikeHtml, readApiError } from './errors';

export const CREDENTIAL_TYPE = 'cometApi';
export const DEFAULT_BASE_URL = 'https://api.cometapi.com/v1';
export const DEFAULT_TIMEOUT_SECONDS = 300;

type Context = IExecuteFunctions | ILoadOptionsFunctions;

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below the Base URL, e.g. `/images/generations`. */
	endpoint: string;
	body?: IDataObject | FormData;
	timeoutSeconds?: number;
	itemIndex?: number;
}

/** The credential's Base URL without trailing slashes; the default when a stored credential has none. */
export async function getBaseUrl(this: Context, itemIndex?: number): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE, itemIndex);
	const raw = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	const baseUrl = (raw || DEFAULT_BASE_URL).replace(/\/+$/, '');
	if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
		throw new NodeOperationError(
			this.getNode(),
			`The Base URL "${baseUrl}" in the CometAPI credential is not an http(s) URL`,
			{
				itemIndex,
				description: 'Set it to the API root, e.g. https://api.cometapi.com/v1.',
			},
		);
	}
	return baseUrl;
}

interface NetworkFailure {
	code: string;
	message: string;
}

/** Finds the network error code (ECONNRESET, ECONNABORTED…) in what the HTTP helper threw. */
function readNetworkFailure(error: unknown): NetworkFailure {
	const layers: unknown[] = [];
	let current: unknown = error;
	for (let depth = 0; current && depth < 4; depth++) {
		layers.push(current);
		current = (current as { cause?: unknown }).cause;
	}
	for (const layer of layers) {
		const code = (layer as { code?: unknown }).code;
		if (typeof code === 'string' && /^(E[A-Z_]+|ERR_[A-Z_]+)$/.test(code)) {
			return { code, message: String((layer as { message?: unknown }).message ?? code) };
		}
	}
	const message = String((error as { message?: unknown })?.message ?? 'unknown error');
	return { code: 'EUNKNOWN', message };
}

function describeNetworkFailure(failure: NetworkFailure, timeoutSeconds: number): string {
	if (failure.code === 'ECONNABORTED' || failure.code === 'ETIMEDOUT' || /timeout/i.test(failure.message)) {
		return `CometAPI did not answer within ${timeoutSeconds} s (the Timeout option)`;
	}
	if (failure.code === 'ERR_CANCELED') return 'The request to CometAPI was cancelled';
	if (failure.code === 'ECONNREFUSED') return 'CometAPI refused the connection';
	if (failure.code === 'ECONNRESET') return 'The connection to CometAPI was reset';
	if (failure.code === 'ENOTFOUND' || failure.code === 'EAI_AGAIN') {
		return 'The CometAPI host could not be resolved';
	}
	return `The request to CometAPI failed: ${failure.message}`;
}

/**
 * The one place that talks to CometAPI: Base URL, auth through the credential, timeout, and every
 * failure turned into a NodeApiError that carries CometAPI's own message.
 */
export async function apiRequest(this: Context, request: ApiRequest): Promise<IDataObject> {
	const { itemIndex } = request;
	const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
	const baseUrl = await getBaseUrl.call(this, itemIndex);
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.endpoint}`,
		json: true,
		timeout: timeoutSeconds * 1000,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	if (request.body !== undefined) options.body = request.body;

	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			options,
		)) as IN8nHttpFullResponse;
	} catch (error) {
		const failure = readNetworkFailure(error);
		throw apiError(
			this.getNode(),
			{ message: describeNetworkFailure(failure, timeoutSeconds), code: failure.code },
			itemIndex,
			failure.code === 'ECONNREFUSED' || failure.code === 'ENOTFOUND'
				? 'Check the Base URL in the CometAPI credential.'
				: undefined,
		);
	}

	const status = response.statusCode;
	if (status < 200 || status >= 300) {
		throw apiError(this.getNode(), readApiError(status, response.body), itemIndex);
	}
	let body: unknown = response.body;
	if (typeof body === 'string' && !looksLikeHtml(body)) {
		try {
			body = JSON.parse(body);
		} catch {
			// Falls through to the "not JSON" error below.
		}
	}
	if (!body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) {
		const preview = typeof body === 'string' ? body.trim().slice(0, 120) : typeof body;
		throw apiError(
			this.getNode(),
			{
				status,
				message: looksLikeHtml(body)
					? 'CometAPI answered with an HTML page instead of JSON'
					: `CometAPI answered with something that is not a JSON object: ${preview}`,
				code: looksLikeHtml(body) ? 'html_response' : 'invalid_json',
			},
			itemIndex,
			'Check the Base URL in the CometAPI credential: it should be the API root, e.g. https://api.cometapi.com/v1.',
		);
	}
	return body as IDataObject;
}

export interface Download {
	data: Buffer;
	contentType?: string;
}

/**
 * Downloads a result image. Uses the plain HTTP helper: the API key never goes to an image host.
 */
export async function downloadImage(
	this: IExecuteFunctions,
	url: string,
	options: { timeoutSeconds: number; itemIndex: number },
): Promise<Download> {
	let host = url;
	try {
		const parsed = new URL(url);
		host = parsed.host;
		if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
	} catch {
		throw new NodeOperationError(this.getNode(), `The image URL "${url.slice(0, 100)}" is not an http(s) URL`, {
			itemIndex: options.itemIndex,
		});
	}
	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'arraybuffer',
			timeout: options.timeoutSeconds * 1000,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal: this.getExecutionCancelSignal(),
		})) as IN8nHttpFullResponse;
	} catch (error) {
		const failure = readNetworkFailure(error);
		throw new NodeOperationError(
			this.getNode(),
			`Downloading the image from ${host} failed: ${failure.message}`,
			{ itemIndex: options.itemIndex, description: 'The image URL may have expired; run the node again.' },
		);
	}
	if (response.statusCode < 200 || response.statusCode >= 300) {
		throw new NodeOperationError(
			this.getNode(),
			`Downloading the image from ${host} failed with HTTP ${response.statusCode}`,
			{ itemIndex: options.itemIndex, description: 'The image URL may have expired; run the node again.' },
		);
	}
	const headers = response.headers as Record<string, unknown>;
	const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined;
	const data = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body as ArrayBuffer);
	return { data, contentType };
}
