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
import { getRequestLimiter, requestAnswered } from './limiter';
import {
	backoffMs,
	DEFAULT_MAX_RETRIES,
	isRetryableNetworkFailure,
	isRetryableStatus,
	retryAfterMs,
	waitUnlessCancelled,
} from './retry';

export { DEFAULT_MAX_RETRIES };

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
	/** Further attempts after a retryable failure (default 2; 0 disables retries). */
	maxRetries?: number;
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

/** A response body read as it arrives (Server-Sent Events, downloads). */
export type ByteStream = AsyncIterable<Buffer | string> & { destroy?: (error?: Error) => void };

/** Reads a stream to its end; stops (and reports `truncated`) once it holds more than maxBytes. */
async function readAll(stream: ByteStream, maxBytes: number): Promise<{ data: Buffer; truncated: boolean }> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		size += buffer.length;
		if (size > maxBytes) {
			stream.destroy?.();
			return { data: Buffer.concat(chunks), truncated: true };
		}
		chunks.push(buffer);
	}
	return { data: Buffer.concat(chunks), truncated: false };
}

function cancelledError(context: Context, itemIndex?: number) {
	return apiError(
		context.getNode(),
		{ message: 'The request to CometAPI was cancelled', code: 'ERR_CANCELED' },
		itemIndex,
		'The execution was stopped.',
	);
}

function withAttempts<T extends Error>(error: T, attempts: number): T {
	if (attempts > 1) {
		error.message = `${error.message} (after ${attempts} attempts)`;
		(error as unknown as { context: Record<string, unknown> }).context.attempts = attempts;
	}
	return error;
}

/**
 * Sends one request to CometAPI, retrying 429/5xx/524 and network failures (Max Retries) with
 * exponential backoff and full jitter, or the Retry-After the API asked for. Requests of one node
 * execution share an adaptive limit on how many are in flight (see limiter.ts).
 */
async function send(
	this: Context,
	request: ApiRequest,
	encoding: 'json' | 'stream',
): Promise<IN8nHttpFullResponse> {
	const { itemIndex } = request;
	const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
	const maxRetries = Math.max(0, Math.floor(request.maxRetries ?? DEFAULT_MAX_RETRIES));
	const baseUrl = await getBaseUrl.call(this, itemIndex);
	const signal = 'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal() : undefined;
	const limiter = getRequestLimiter(this);

	for (let attempt = 1; ; attempt++) {
		if (signal?.aborted) throw cancelledError(this, itemIndex);
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${baseUrl}${request.endpoint}`,
			json: true,
			timeout: timeoutSeconds * 1000,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		if (signal) options.abortSignal = signal;
		if (encoding === 'stream') options.encoding = 'stream';
		if (request.body !== undefined) options.body = request.body;
		const retriesLeft = attempt <= maxRetries;

		if (limiter) {
			try {
				await limiter.acquire(signal);
			} catch {
				throw cancelledError(this, itemIndex);
			}
		}
		let response: IN8nHttpFullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				options,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			limiter?.release('failed');
			if (signal?.aborted) throw cancelledError(this, itemIndex);
			const failure = readNetworkFailure(error);
			if (retriesLeft && isRetryableNetworkFailure(failure.code, failure.message)) {
				if (await waitUnlessCancelled(backoffMs(attempt), signal)) continue;
				throw cancelledError(this, itemIndex);
			}
			const networkError = apiError(
				this.getNode(),
				{ message: describeNetworkFailure(failure, timeoutSeconds), code: failure.code },
				itemIndex,
				failure.code === 'ECONNREFUSED' || failure.code === 'ENOTFOUND'
					? 'Check the Base URL in the CometAPI credential.'
					: undefined,
			);
			throw withAttempts(networkError, attempt);
		}

		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			limiter?.release('success');
			return response;
		}
		limiter?.release(status === 429 ? 'rateLimited' : 'failed');
		const body =
			encoding === 'stream' ? (await readAll(response.body as ByteStream, 1024 * 1024)).data : response.body;
		const details = readApiError(status, body);
		if (retriesLeft && isRetryableStatus(status, details.code)) {
			const wait = retryAfterMs(headerValue(response, 'retry-after')) ?? backoffMs(attempt);
			if (await waitUnlessCancelled(wait, signal)) continue;
			throw cancelledError(this, itemIndex);
		}
		throw withAttempts(apiError(this.getNode(), details, itemIndex), attempt);
	}
}

function headerValue(response: IN8nHttpFullResponse, name: string): string {
	const value = (response.headers as Record<string, unknown>)[name];
	return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : '';
}

/** Parses a JSON reply; an HTML page or other non-JSON body becomes an error about the Base URL. */
function parseJsonBody(this: Context, status: number, raw: unknown, itemIndex?: number): IDataObject {
	let body: unknown = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
	if (typeof body === 'string' && !looksLikeHtml(body)) {
		try {
			body = JSON.parse(body);
		} catch {
			// Falls through to the "not JSON" error below.
		}
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
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

/**
 * The one place that talks to CometAPI: Base URL, auth through the credential, timeout, and every
 * failure turned into a NodeApiError that carries CometAPI's own message.
 */
export async function apiRequest(this: Context, request: ApiRequest): Promise<IDataObject> {
	const response = await send.call(this, request, 'json');
	const body = parseJsonBody.call(this, response.statusCode, response.body, request.itemIndex);
	// The reply is in memory: the next item may start its upload while this one stores its images.
	// (A failed item gives its slot back only once its error is recorded, so no item starts after it.)
	requestAnswered(this, request.itemIndex);
	return body;
}

export type StreamedReply = { kind: 'stream'; events: ByteStream } | { kind: 'json'; body: IDataObject };

/**
 * Like apiRequest, for endpoints that may answer with Server-Sent Events (`stream: true`). A server
 * that ignores streaming and answers with plain JSON is handled too.
 */
export async function apiStreamRequest(this: Context, request: ApiRequest): Promise<StreamedReply> {
	const response = await send.call(this, request, 'stream');
	const stream = response.body as ByteStream;
	if (/text\/event-stream/i.test(headerValue(response, 'content-type'))) {
		return { kind: 'stream', events: stream };
	}
	const { data: raw } = await readAll(stream, 256 * 1024 * 1024);
	return { kind: 'json', body: parseJsonBody.call(this, response.statusCode, raw, request.itemIndex) };
}

export interface Download {
	data: Buffer;
	contentType?: string;
}

export const DEFAULT_MAX_DOWNLOAD_MB = 50;

export interface DownloadOptions {
	timeoutSeconds: number;
	itemIndex: number;
	/** Largest file accepted, in bytes (default 50 MB). */
	maxBytes?: number;
}

/**
 * Downloads a result image. Uses the plain HTTP helper, never the credential: the API key does not
 * go to image hosts. Only http(s) URLs; the body is read as it arrives and cut off at maxBytes.
 */
export async function downloadImage(
	this: IExecuteFunctions,
	url: string,
	options: DownloadOptions,
): Promise<Download> {
	const { itemIndex } = options;
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_MB * 1024 * 1024;
	let host = '';
	try {
		const parsed = new URL(url);
		host = parsed.host;
		if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') host = '';
	} catch {
		host = '';
	}
	if (!host) {
		throw new NodeOperationError(this.getNode(), `The image URL "${url.slice(0, 100)}" is not an http(s) URL`, {
			itemIndex,
		});
	}
	const retryHint = 'The image URL may have expired; run the node again.';
	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			timeout: options.timeoutSeconds * 1000,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal: this.getExecutionCancelSignal(),
		})) as IN8nHttpFullResponse;
	} catch (error) {
		const failure = readNetworkFailure(error);
		throw new NodeOperationError(this.getNode(), `Downloading the image from ${host} failed: ${failure.message}`, {
			itemIndex,
			description: retryHint,
		});
	}
	const stream = response.body as ByteStream;
	if (response.statusCode < 200 || response.statusCode >= 300) {
		stream.destroy?.();
		throw new NodeOperationError(
			this.getNode(),
			`Downloading the image from ${host} failed with HTTP ${response.statusCode}`,
			{ itemIndex, description: retryHint },
		);
	}
	const declared = Number(headerValue(response, 'content-length'));
	const tooLarge = () =>
		new NodeOperationError(
			this.getNode(),
			`The image at ${host} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`,
			{ itemIndex, description: 'Raise the download size limit in the options, or ask for a smaller image.' },
		);
	if (Number.isFinite(declared) && declared > maxBytes) {
		stream.destroy?.();
		throw tooLarge();
	}
	let read: { data: Buffer; truncated: boolean };
	try {
		read = await readAll(stream, maxBytes);
	} catch (error) {
		const failure = readNetworkFailure(error);
		throw new NodeOperationError(this.getNode(), `Downloading the image from ${host} failed: ${failure.message}`, {
			itemIndex,
			description: retryHint,
		});
	}
	if (read.truncated) throw tooLarge();
	const contentType = headerValue(response, 'content-type') || undefined;
	return { data: read.data, contentType };
}
