import type { IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from './base-url';
import { readAll, readNetworkFailure, type ByteStream, type NetworkFailure } from './http';
import { ownStream } from './owned-stream';
import type { Context } from './request';

/*
 * One attempt of a request (send.ts decides what follows one sent with the key; download.ts one
 * sent without it): on the node's own timer, aborted with the run.
 */

export type Attempt = { response: IN8nHttpFullResponse; detach: () => void; abort: () => void } | { failure: NetworkFailure };

/**
 * One attempt. Its abort signal follows the run's. A streamed request's wait for the headers is timed
 * by the node itself (the HTTP client's timeout is only a backstop), and so is its body (ownStream).
 */
export async function attemptOnce(
	this: Context,
	options: IHttpRequestOptions,
	timeoutMs: number,
	signal?: AbortSignal,
	/** Sent with the key (the credential), or without it (result images on other hosts). */
	withKey = true,
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
		const response = (
			withKey
				? await this.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, options)
				: await this.helpers.httpRequest.call(context, options)
		) as IN8nHttpFullResponse;
		return { response, detach, abort: () => attempt.abort() };
	} catch (error) {
		detach();
		return { failure: timedOut ? { code: 'ETIMEDOUT', message: 'timeout' } : readNetworkFailure(error) };
	} finally {
		stopTimer.abort();
	}
}

/** The body of an error reply that came as a stream; what cannot be read counts as empty. */
export async function readErrorBody(body: ByteStream, idleMs: number): Promise<Buffer> {
	try {
		return (await readAll(ownStream(body, { idleMs }), 1024 * 1024)).data;
	} catch {
		return Buffer.alloc(0);
	}
}

