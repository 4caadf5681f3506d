import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, getBaseUrls, type ApiRoot } from './base-url';
import { apiError, readApiError } from './errors';
import { describeNetworkFailure, headerValue, readAll, readNetworkFailure, type ByteStream } from './http';
import type { AdaptiveLimiter } from './limiter';
import {
	backoffMs,
	DEFAULT_MAX_RETRIES,
	isRetryableNetworkFailure,
	isRetryableStatus,
	retryAfterMs,
	waitUnlessCancelled,
} from './retry';

export const DEFAULT_TIMEOUT_SECONDS = 300;

export type Context = IExecuteFunctions | ILoadOptionsFunctions;

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below the root, e.g. `/images/generations`. */
	endpoint: string;
	/** The credential's root the path is below: the OpenAI-style API root (default) or the host root. */
	root?: ApiRoot;
	body?: IDataObject | FormData;
	timeoutSeconds?: number;
	/** Further attempts after a retryable failure (default 2; 0 disables retries). */
	maxRetries?: number;
	itemIndex?: number;
}

/**
 * What a request takes from the node run it belongs to (the router's run context). Requests sent
 * outside a run (the model list) have none: no shared limit, nothing to cancel them.
 */
export interface RequestRun {
	/** Shared by the run's requests: how many may be in flight (see limiter.ts). */
	readonly limiter: AdaptiveLimiter;
	/** The execution's cancel signal: aborts requests in flight and the waits between attempts. */
	readonly signal?: AbortSignal;
	/** Told when an item's request has its whole answer in memory. */
	requestAnswered(itemIndex: number): void;
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
 * run share an adaptive limit on how many are in flight (see limiter.ts). The only place
 * that sends the API key: auth through the credential, to the credential's Base URL.
 */
export async function send(
	this: Context,
	request: ApiRequest,
	encoding: 'json' | 'stream',
	run?: RequestRun,
): Promise<IN8nHttpFullResponse> {
	const { itemIndex } = request;
	const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
	const maxRetries = Math.max(0, Math.floor(request.maxRetries ?? DEFAULT_MAX_RETRIES));
	const baseUrl = (await getBaseUrls.call(this, itemIndex))[request.root ?? 'api'];
	const signal = run?.signal;
	const limiter = run?.limiter;

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
