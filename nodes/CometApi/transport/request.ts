import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, ILoadOptionsFunctions } from 'n8n-workflow';

import type { ApiRoot } from './base-url';
import type { ErrorReason } from './billing';
import type { ApiErrorDetails } from './errors';
import type { AdaptiveLimiter } from './limiter';
import type { Charge } from './prices';

/*
 * What a request to CometAPI is (send.ts sends it): where it goes, how it is retried and billed, and
 * what it takes from the node run it belongs to.
 */

export const DEFAULT_TIMEOUT_SECONDS = 300;
export const DEFAULT_RATE_LIMIT_WAIT_SECONDS = 600;

export type Context = IExecuteFunctions | ILoadOptionsFunctions;

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
	/**
	 * A refusal final whatever its status (not waited out as a 429, nor retried as a 5xx), e.g.
	 * Kling's balance codes on a 429: its reason, or undefined for one that is not final.
	 */
	finalWhen?: (details: ApiErrorDetails) => ErrorReason | undefined;
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
