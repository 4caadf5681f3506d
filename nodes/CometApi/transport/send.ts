import type { IHttpRequestOptions, IN8nHttpFullResponse, NodeApiError } from 'n8n-workflow';

import { attemptOnce, readErrorBody } from './attempt';
import { getBaseUrls } from './base-url';
import { reasonOf, withFacts, type Billed } from './billing';
import { apiError, readApiError } from './errors';
import { describeNetworkFailure, headerValue, isTimeoutFailure, type ByteStream } from './http';
import { holdsBase64, JsonBody } from './json-body';
import { ownStream } from './owned-stream';
import { chargeOf } from './prices';
import { handsBack, hop, MAX_REDIRECTS, redirectError, redirectTarget, type Target } from './redirect';
import {
	DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
	isPaid,
	type ApiRequest,
	type Context,
	type RequestRun,
} from './request';
import {
	backoffMs,
	DEFAULT_MAX_RETRIES,
	isRetryableNetworkFailure,
	isRetryableStatus,
	retryAfterMs,
	waitUnlessCancelled,
} from './retry';

/** Network failures of a request that never reached the API: safe to send again even when it must arrive once. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

const MAY_HAVE_ARRIVED =
	'It was not sent again: the task may have been created (and billed) all the same. Check your tasks at CometAPI before you run the item again.';

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

function withAttempts<T extends Error>(error: T, attempts: number): T {
	if (attempts > 1) {
		error.message = `${error.message} (after ${attempts} attempts)`;
		(error as unknown as { context: Record<string, unknown> }).context.attempts = attempts;
	}
	return error;
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
	let target: Target = { url: `${baseUrl}${request.endpoint}`, method: request.method, body };
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
			if (handsBack(next, origin, request)) return response;
			if (next.origin !== origin || ++redirects > MAX_REDIRECTS) {
				throw redirectError(this, next, origin, redirects > MAX_REDIRECTS, itemIndex);
			}
			target = hop(status, target, next);
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
		// a 429 that says the account is out of credit is not waited out: no wait fixes it
		const finalReason = request.finalWhen?.(details) ?? (status === 429 && reasonOf(details) === 'balance' ? 'balance' : undefined);
		if (finalReason) throw refusal(apiError(this.getNode(), details, itemIndex), 'no', finalReason);
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

		function refusal(error: NodeApiError, billed: Billed, reason = reasonOf(details)) {
			withFacts(error, { billed, retrySafe: billed === 'no', reason });
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

