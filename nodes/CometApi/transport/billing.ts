import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ApiErrorDetails } from './errors';

/*
 * What every error says about money: whether the item's work was billed, whether running the item
 * again can charge twice, and a class of cause a workflow can branch on. Set where the failure is
 * known (send.ts for requests, task.ts for tasks); what is not set is worked out by the router from
 * what the item did (see actions/item-errors.ts).
 */

/** yes: the task or image was accepted; no: refused before acceptance; unknown: cut off after it was sent. */
export type Billed = 'yes' | 'no' | 'unknown';

export type ErrorReason =
	| 'auth'
	| 'balance'
	| 'moderation'
	| 'invalid_request'
	| 'not_found'
	| 'rate_limit'
	| 'server'
	| 'timeout'
	| 'network'
	| 'redirect'
	| 'task_failed'
	| 'no_result'
	| 'download'
	| 'cancelled'
	/** Max Spend per Run reached: the request was not sent (actions/spend.ts). */
	| 'spend_cap';

export interface ErrorFacts {
	billed: Billed;
	/** Whether running the item again cannot charge twice for the same work. */
	retrySafe: boolean;
	reason: ErrorReason;
}

type NodeError = NodeApiError | NodeOperationError;

/** Puts the facts on the error (its context: the error item's fields). */
export function withFacts<T extends NodeError>(error: T, facts: Partial<ErrorFacts>): T {
	if (facts.billed !== undefined) error.context.billed = facts.billed;
	if (facts.retrySafe !== undefined) error.context.retrySafe = facts.retrySafe;
	if (facts.reason !== undefined) error.context.reason = facts.reason;
	return error;
}

/** The facts set on an error so far. */
export function factsOf(error: NodeError): Partial<ErrorFacts> {
	const { billed, retrySafe, reason } = error.context;
	return {
		...(billed === 'yes' || billed === 'no' || billed === 'unknown' ? { billed } : {}),
		...(typeof retrySafe === 'boolean' ? { retrySafe } : {}),
		...(typeof reason === 'string' ? { reason: reason as ErrorReason } : {}),
	};
}

const MODERATION = /moderation|content[_ ]policy|safety|banned|prohibited|nsfw|sensitive|unsafe/;
const BALANCE = /quota|balance|insufficient|arrears|credit|billing|payment/;
/**
 * A 429 that no wait fixes: the account is out of credit or over a spending limit. OpenAI answers
 * these with its rate limit's status and `type: insufficient_quota` (its error codes guide), and
 * CometAPI's gateway relays an upstream's status as it comes.
 */
const QUOTA_429 = /insufficient_quota|credit_balance_exhausted|spend_limit_exceeded|usage_limit_exceeded/;

/** The class of an error CometAPI answered (an HTTP status, or an error inside a 200 when status is absent). */
export function reasonOf(details: ApiErrorDetails): ErrorReason {
	const code = `${details.code ?? ''} ${details.type ?? ''}`.toLowerCase();
	const said = `${code} ${details.message}`.toLowerCase();
	const status = details.status;
	if (status === 429) return QUOTA_429.test(code) ? 'balance' : 'rate_limit';
	if (status === 402 || BALANCE.test(said)) return 'balance';
	if (status === 401) return 'auth';
	if (MODERATION.test(said)) return 'moderation';
	if (status === 403) return 'auth';
	if (status === 404 || /not[_ ]?found|no[_ ]such|does not exist/.test(said)) return 'not_found';
	if (status !== undefined && status >= 500) return 'server';
	if (status === undefined && /upstream|server|internal/.test(code)) return 'server';
	return 'invalid_request';
}

/** A sentence for the error's description: what the facts mean for the user's money. */
export function describeFacts(facts: ErrorFacts): string {
	if (facts.billed === 'yes') {
		return facts.retrySafe
			? 'Billed: yes.'
			: 'Billed: yes — the work was accepted; running the item again is charged again.';
	}
	if (facts.billed === 'unknown') {
		return 'Billed: unknown — the request was sent and may have been billed; check your usage at CometAPI before you run the item again.';
	}
	return 'Billed: no — nothing was charged for this item; it is safe to run again.';
}
