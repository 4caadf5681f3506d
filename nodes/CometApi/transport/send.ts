import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	NodeApiError,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { CREDENTIAL_TYPE, getBaseUrls, type ApiRoot } from './base-url';
import { reasonOf, withFacts, type Billed } from './billing';
import { chargeOf, type Charge } from './prices';
import { apiError, readApiError, type ApiErrorDetails } from './errors';
import { holdsBase64, JsonBody } from './json-body';
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
	/** JSON (input images in it as Base64Values: json-body.ts), or a multipart form. */
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
	/** A POST that charges nothing (e.g. reading many tasks at once). Other POSTs are paid work; GETs are free. */
	free?: boolean;
	/**
	 * What a redirect to another origin does: `refuse` (default) fails the request; `return` hands the
	 * redirect back unread (a task image's link, fetched again without the key by download.ts).
	 */
	crossOriginRedirect?: 'refuse' | 'return';
	/** An empty body or a bare `null` reads as `{}` (json.ts): how the Midjourney proxy answers for a task it does not know. */
	acceptEmpty?: boolean;
	/** Whether a refusal is final whatever its status: not waited out (429) nor retried (5xx), e.g. Kling's balance codes on a 429. */
	finalWhen?: (details: ApiErrorDetails) => boolean;
	itemIndex?: number;
}

/** Redirects followed within the Base URL's origin before a request gives up. */
const MAX_REDIRECTS = 5;

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
	/** Told when an item's paid request is sent, and when CometAPI accepted it (a 2xx): what an error says about billing. */
	paidRequest?(itemIndex: number, stage: 'sent' | 'accepted'): void;
	/**
	 * Asked before an item's paid request is sent (once, not for its retries), with what it is priced
	 * by: why it may not be sent (Max Spend per Run reached, actions/spend.ts), or undefined.
	 */
	beforePaid?(itemIndex: number, charge: Charge): Promise<string | undefined>;
}

/** Whether the request is billed work: a POST that is not marked free (GETs read and charge nothing). */
export function isPaid(request: Pick<ApiRequest, 'method' | 'free'>): boolean {
	return request.method === 'POST' && request.free !== true;
}

/** The error of a request stopped by the run's cancel; `billed`: whether it had been sent when it was stopped. */
function cancelledError(context: Context, itemIndex: number | undefined, billed: Billed = 'no') {
	const error = apiError(
		context.getNode(),
		{ message: 'The request to CometAPI was cancelled', code: 'ERR_CANCELED' },
		itemIndex,
		'The execution was stopped.',
	);
	return withFacts(error, { billed, retrySafe: billed === 'no', reason: 'cancelled' });
}

/** Where a redirect points, when it points anywhere: the Location header resolved against the request's URL. */
function redirectTarget(response: IN8nHttpFullResponse, from: string): URL | undefined {
	if (response.statusCode < 300 || response.statusCode >= 400) return undefined;
	const location = headerValue(response, 'location');
	if (!location) return undefined;
	try {
		return new URL(location, from);
	} catch {
		return undefined;
	}
}

function withAttempts<T extends Error>(error: T, attempts: number): T {
	if (attempts > 1) {
		error.message = `${error.message} (after ${attempts} attempts)`;
		(error as unknown as { context: Record<string, unknown> }).context.attempts = attempts;
	}
	return error;
}

type Attempt = { response: IN8nHttpFullResponse; detach: () => void; abort: () => void } | { failure: NetworkFailure };

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
	// The node times every attempt itself: the HTTP client's timeout is only a backstop, and its
	// error reads differently from one n8n release to another (2.8 reports a connection "aborted").
	options.timeout = 2 * timeoutMs;
	sleep(timeoutMs, stopTimer.signal).then(
		() => {
			if (stopTimer.signal.aborted) return;
			timedOut = true;
			attempt.abort();
		},
		() => {},
	);
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
		return { response, detach, abort: () => attempt.abort() };
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
	const origin = new URL(baseUrl).origin;
	const signal = run?.signal;
	const limiter = run?.limiter;
	const paid = isPaid(request);
	let failures = 0;
	let rateLimitedSince: number | undefined;
	const retryAfter = async (wait: number) => {
		if (await waitUnlessCancelled(wait, signal)) return;
		throw cancelledError(this, itemIndex);
	};
	// Where the request goes: moved by redirects within the origin (303, and 301/302 after a POST, read with GET).
	// A body with input images in it is written as it is sent (json-body.ts), again for each attempt.
	const body = holdsBase64(request.body) ? new JsonBody(request.body) : request.body;
	let target = { url: `${baseUrl}${request.endpoint}`, method: request.method, body };
	let redirects = 0;
	if (paid && itemIndex !== undefined && run?.beforePaid) {
		const refused = await run.beforePaid(itemIndex, chargeOf(request));
		if (refused) throw spendCapError(this, refused, itemIndex);
	}

	for (let attempt = 1; ; attempt++) {
		if (signal?.aborted) throw cancelledError(this, itemIndex);
		const options: IHttpRequestOptions = {
			method: target.method,
			url: target.url,
			json: true,
			timeout: timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// Redirects are followed here, never by the HTTP client: the key must not reach another origin.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		};
		if (encoding === 'stream') options.encoding = 'stream';
		if (target.body !== undefined) options.body = target.body;

		if (limiter) {
			try {
				await limiter.acquire(signal);
			} catch {
				throw cancelledError(this, itemIndex);
			}
		}
		if (paid && itemIndex !== undefined) run?.paidRequest?.(itemIndex, 'sent');
		const outcome = await attemptOnce.call(this, options, timeoutMs, signal);
		if ('failure' in outcome) {
			limiter?.release('failed');
			const { failure } = outcome;
			const notSent = NOT_SENT_CODES.has(failure.code);
			if (signal?.aborted) throw cancelledError(this, itemIndex, paid && !notSent ? 'unknown' : 'no');
			const billable = request.once
				? !notSent
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
			const billed: Billed = paid && !notSent ? 'unknown' : 'no';
			withFacts(networkError, { billed, retrySafe: billed === 'no', reason: isTimeoutFailure(failure) ? 'timeout' : 'network' });
			throw withAttempts(networkError, attempt);
		}

		const { response, detach, abort } = outcome;
		const status = response.statusCode;
		const next = redirectTarget(response, target.url);
		if (next) {
			limiter?.release('success');
			detach();
			if (encoding === 'stream') {
				(response.body as ByteStream).destroy?.();
				abort();
			}
			const downgrade = origin.startsWith('https:') && next.protocol === 'http:';
			if (next.origin !== origin && request.crossOriginRedirect === 'return' && !downgrade) return response;
			if (next.origin !== origin || ++redirects > MAX_REDIRECTS) {
				throw redirectError(this, next, origin, redirects > MAX_REDIRECTS, itemIndex);
			}
			// 303, and 301/302 after a POST, are read with GET (as browsers do); 307/308 repeat the request.
			const toGet = status === 303 || ((status === 301 || status === 302) && target.method === 'POST');
			target = toGet ? { url: next.href, method: 'GET', body: undefined } : { ...target, url: next.href };
			attempt--; // a redirect followed is the same attempt
			continue;
		}
		if (status >= 200 && status < 300) {
			if (paid && itemIndex !== undefined) run?.paidRequest?.(itemIndex, 'accepted');
			if (encoding === 'json') {
				detach();
				limiter?.release('success');
				return response;
			}
			// The slot is held until the body is read to its end, fails, or is abandoned.
			response.body = ownStream(response.body as ByteStream, {
				idleMs: timeoutMs,
				signal,
				abortRequest: abort,
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
		if (request.finalWhen?.(details)) throw refusal(apiError(this.getNode(), details, itemIndex), 'no');
		const asked = retryAfterMs(headerValue(response, 'retry-after'));
		if (status === 429) {
			rateLimitedSince ??= Date.now();
			const wait = asked ?? backoffMs(attempt - failures);
			if (rateLimitWaitSeconds > 0 && Date.now() + wait - rateLimitedSince <= rateLimitWaitSeconds * 1000) {
				await retryAfter(wait);
				continue;
			}
			const waited = rateLimitWaitSeconds > 0 ? `Still rate limited after waiting up to ${rateLimitWaitSeconds} s (Rate Limit Wait).` : undefined;
			throw refusal(apiError(this.getNode(), details, itemIndex, waited), 'no');
		}
		if (request.once && status >= 500) {
			throw refusal(apiError(this.getNode(), details, itemIndex, MAY_HAVE_ARRIVED), 'unknown');
		}
		if (failures < maxRetries && isRetryableStatus(status, details.code)) {
			failures++;
			await retryAfter(asked ?? backoffMs(failures));
			continue;
		}
		// CometAPI bills what it answers with a 2xx: a refusal (4xx) or a server failure (5xx) of a
		// request answered at once charges nothing.
		throw refusal(apiError(this.getNode(), details, itemIndex), 'no');

		function refusal(error: NodeApiError, billed: Billed) {
			withFacts(error, { billed, retrySafe: billed === 'no', reason: reasonOf(details) });
			return withAttempts(error, attempt);
		}
	}
}

/** A paid request not sent: Max Spend per Run was reached. */
function spendCapError(context: Context, message: string, itemIndex: number): NodeApiError {
	const error = apiError(
		context.getNode(),
		{ message, code: 'spend_cap' },
		itemIndex,
		'Nothing was sent for this item. Raise Max Spend per Run (USD) in the Options, or run the remaining items later.',
	);
	return withFacts(error, { billed: 'no', retrySafe: true, reason: 'spend_cap' });
}

/** A redirect the key may not follow: to another origin (or from https to http), or too many of them. */
function redirectError(context: Context, to: URL, origin: string, tooMany: boolean, itemIndex?: number): NodeApiError {
	const error = apiError(
		context.getNode(),
		{
			message: tooMany
				? `CometAPI redirected the request more than ${MAX_REDIRECTS} times`
				: `CometAPI redirected the request to another origin (${to.origin}); it was not followed, so the API key stays with ${origin}`,
			code: tooMany ? 'too_many_redirects' : 'cross_origin_redirect',
		},
		itemIndex,
		'Nothing was sent there. Check the Base URL in the CometAPI credential: it should be the API root itself (e.g. https://api.cometapi.com/v1), not an address that redirects.',
	);
	error.context.redirectedTo = to.origin;
	return withFacts(error, { billed: 'no', retrySafe: true, reason: 'redirect' });
}
