import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { CREDENTIAL_TYPE, getBaseUrls, type ApiRoot } from './base-url';
import { apiError, readApiError } from './errors';
import {
	describeNetworkFailure,
	headerValue,
	isTimeoutFailure,
	readAll,
	readNetworkFailure,
	type ByteStream,
	type NetworkFailure,
} from './http';
import type { AdaptiveLimiter } from './limiter';
import { ownStream } from './owned-stream';
import {
	backoffMs,
	DEFAULT_MAX_RETRIES,
	isRetryableNetworkFailure,
	isRetryableStatus,
	retryAfterMs,
	waitUnlessCancelled,
} from './retry';


export const DEFAULT_TIMEOUT_SECONDS = 300;
export const DEFAULT_RATE_LIMIT_WAIT_SECONDS = 600;

export type Context = IExecuteFunctions | ILoadOptionsFunctions;

/** Network failures of a request that never reached the API: safe to send again even when it must arrive once. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

const MAY_HAVE_ARRIVED =
	'It was not sent again: the task may have been created (and billed) all the same. Check your tasks at CometAPI before you run the item again.';

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below the root, e.g. `/images/generations`. */
	endpoint: string;
	/** The credential's root the path is below: the OpenAI-style API root (default) or the host root. */
	root?: ApiRoot;
	body?: IDataObject | FormData;
	/** Each attempt's wait for an answer, and for the next piece of a streamed one. */
	timeoutSeconds?: number;
	/** Further attempts after a 5xx or a network failure (default 2; 0 disables them). 429s do not count. */
	maxRetries?: number;
	/** How long 429s are waited out, counted from the first one (default 600 s; 0: a 429 is final). */
	rateLimitWaitSeconds?: number;
	/** Whether a POST that timed out is sent again (it may have been generated and billed: off by default). */
	retryTimeouts?: boolean;
	/**
	 * Sent again only when it surely did not reach the API (a 429, a refused connection, a host not
	 * found): a task submission, where each arrival is a new billed task (see task.ts).
	 */
	once?: boolean;
	itemIndex?: number;
}

/**
 * What a request takes from the node run it belongs to (the router's run context). Requests sent
 * outside a run (the model list) have none: no shared limit, nothing to cancel them.
 */
export interface RequestRun {
	/** Shared by the run's requests: how many may be in flight (see limiter.ts). */
	readonly limiter: AdaptiveLimiter;
	/** The run's abort signal (the execution's cancel, or the run's first failure): aborts requests and waits. */
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

type Attempt = { response: IN8nHttpFullResponse; detach: () => void } | { failure: NetworkFailure };

/**
 * One attempt. Its abort signal follows the run's. A streamed request's wait for the headers is timed
 * by the node itself (the HTTP client's timeout is only a backstop), and so is its body (ownStream).
 */
async function attemptOnce(
	this: Context,
	options: IHttpRequestOptions,
	timeoutMs: number,
	signal?: AbortSignal,
): Promise<Attempt> {
	const attempt = new AbortController();
	const onAbort = () => attempt.abort();
	if (signal?.aborted) attempt.abort();
	else signal?.addEventListener('abort', onAbort, { once: true });
	const detach = () => signal?.removeEventListener('abort', onAbort);
	const stopTimer = new AbortController();
	let timedOut = false;
	if (options.encoding === 'stream') {
		options.timeout = 2 * timeoutMs;
		sleep(timeoutMs, stopTimer.signal).then(
			() => {
				if (stopTimer.signal.aborted) return;
				timedOut = true;
				attempt.abort();
			},
			() => {},
		);
	}
	options.abortSignal = attempt.signal;
	// n8n's helper takes its abort signal from the context it is called on (the execution's cancel
	// signal): it is called on one whose signal is this attempt's, so the run's stop and the node's own
	// timer abort the request too.
	const context = Object.create(this, { getExecutionCancelSignal: { value: () => attempt.signal } }) as Context;
	try {
		const response = (await this.helpers.httpRequestWithAuthentication.call(
			context,
			CREDENTIAL_TYPE,
			options,
		)) as IN8nHttpFullResponse;
		return { response, detach };
	} catch (error) {
		detach();
		return { failure: timedOut ? { code: 'ETIMEDOUT', message: 'timeout' } : readNetworkFailure(error) };
	} finally {
		stopTimer.abort();
	}
}

/** The body of an error reply that came as a stream; what cannot be read counts as empty. */
async function readErrorBody(body: ByteStream, idleMs: number): Promise<Buffer> {
	try {
		return (await readAll(ownStream(body, { idleMs }), 1024 * 1024)).data;
	} catch {
		return Buffer.alloc(0);
	}
}

/**
 * Sends one request to CometAPI. A 429 is back-pressure: it is waited out (Retry-After, or backoff)
 * for up to rateLimitWaitSeconds and never uses up Max Retries, which count 5xx/524 and network
 * failures (exponential backoff with full jitter); a POST that timed out is sent again only with
 * retryTimeouts. Requests of one node run share an adaptive limit on how many are in flight (see
 * limiter.ts): every attempt, a retry woken from its wait too, takes a slot; a streamed reply
 * holds it until its body is read or abandoned. The only place that sends the API key: auth
 * through the credential, to the credential's Base URL.
 */
export async function send(
	this: Context,
	request: ApiRequest,
	encoding: 'json' | 'stream',
	run?: RequestRun,
): Promise<IN8nHttpFullResponse> {
	const { itemIndex } = request;
	const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
	const timeoutMs = timeoutSeconds * 1000;
	const maxRetries = Math.max(0, Math.floor(request.maxRetries ?? DEFAULT_MAX_RETRIES));
	const rateLimitWaitSeconds = Math.max(0, request.rateLimitWaitSeconds ?? DEFAULT_RATE_LIMIT_WAIT_SECONDS);
	const baseUrl = (await getBaseUrls.call(this, itemIndex))[request.root ?? 'api'];
	const signal = run?.signal;
	const limiter = run?.limiter;
	let failures = 0;
	let rateLimitedSince: number | undefined;
	const retryAfter = async (wait: number) => {
		if (await waitUnlessCancelled(wait, signal)) return;
		throw cancelledError(this, itemIndex);
	};

	for (let attempt = 1; ; attempt++) {
		if (signal?.aborted) throw cancelledError(this, itemIndex);
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${baseUrl}${request.endpoint}`,
			json: true,
			timeout: timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		if (encoding === 'stream') options.encoding = 'stream';
		if (request.body !== undefined) options.body = request.body;

		if (limiter) {
			try {
				await limiter.acquire(signal);
			} catch {
				throw cancelledError(this, itemIndex);
			}
		}
		const outcome = await attemptOnce.call(this, options, timeoutMs, signal);
		if ('failure' in outcome) {
			limiter?.release('failed');
			if (signal?.aborted) throw cancelledError(this, itemIndex);
			const { failure } = outcome;
			const billable = request.once
				? !NOT_SENT_CODES.has(failure.code)
				: isTimeoutFailure(failure) && request.method === 'POST' && request.retryTimeouts !== true;
			if (!billable && failures < maxRetries && isRetryableNetworkFailure(failure.code, failure.message)) {
				failures++;
				await retryAfter(backoffMs(failures));
				continue;
			}
			const hint =
				failure.code === 'ECONNREFUSED' || failure.code === 'ENOTFOUND'
					? 'Check the Base URL in the CometAPI credential.'
					: billable
						? request.once
							? MAY_HAVE_ARRIVED
							: 'It was not sent again: the image may have been generated and billed all the same. Raise Timeout (Seconds), or turn on Retry Timed-Out Requests.'
						: undefined;
			const networkError = apiError(
				this.getNode(),
				{ message: describeNetworkFailure(failure, timeoutSeconds), code: failure.code },
				itemIndex,
				hint,
			);
			throw withAttempts(networkError, attempt);
		}

		const { response, detach } = outcome;
		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			if (encoding === 'json') {
				detach();
				limiter?.release('success');
				return response;
			}
			// The slot is held until the body is read to its end, fails, or is abandoned.
			response.body = ownStream(response.body as ByteStream, {
				idleMs: timeoutMs,
				signal,
				onSettled: () => {
					detach();
					limiter?.release('success');
				},
			});
			return response;
		}
		limiter?.release(status === 429 ? 'rateLimited' : 'failed');
		const body = encoding === 'stream' ? await readErrorBody(response.body as ByteStream, timeoutMs) : response.body;
		detach();
		const details = readApiError(status, body);
		const asked = retryAfterMs(headerValue(response, 'retry-after'));
		if (status === 429) {
			rateLimitedSince ??= Date.now();
			const wait = asked ?? backoffMs(attempt - failures);
			if (rateLimitWaitSeconds > 0 && Date.now() + wait - rateLimitedSince <= rateLimitWaitSeconds * 1000) {
				await retryAfter(wait);
				continue;
			}
			const waited = rateLimitWaitSeconds > 0 ? `Still rate limited after waiting up to ${rateLimitWaitSeconds} s (Rate Limit Wait).` : undefined;
			throw withAttempts(apiError(this.getNode(), details, itemIndex, waited), attempt);
		}
		if (request.once && status >= 500) {
			throw withAttempts(apiError(this.getNode(), details, itemIndex, MAY_HAVE_ARRIVED), attempt);
		}
		if (failures < maxRetries && isRetryableStatus(status, details.code)) {
			failures++;
			await retryAfter(asked ?? backoffMs(failures));
			continue;
		}
		throw withAttempts(apiError(this.getNode(), details, itemIndex), attempt);
	}
}
