import type { INode, NodeApiError } from 'n8n-workflow';

import { apiError, errorInReply, readApiError, reasonOf, withFacts } from '../transport';

/*
 * Errors CometAPI reports inside a reply that came with HTTP 200: `{"error": {message, code}}` as
 * the whole body (Images API, chat) or as an event of a stream. One reading for every operation.
 */

/** An `error` that says something: a message or a code (CometAPI sends `"error": {}` on success). */
export function hasApiError(body: Record<string, unknown>): boolean {
	return errorInReply(body) !== undefined;
}

/**
 * The error users see for an error CometAPI reported inside a reply (no HTTP status: it came with a
 * 200) in place of the result: the request was refused, not billed.
 */
export function replyError(node: INode, error: unknown, itemIndex: number): NodeApiError {
	const details = { ...readApiError(0, error), status: undefined };
	return refusedInReply(apiError(node, details, itemIndex));
}

/**
 * Marks the error of a request CometAPI answered with a 2xx that was no acceptance (an error
 * inside the reply, a submission without a task): `billed` no, or unknown when the reply leaves it
 * open. The router keeps it so, instead of reading the 2xx as accepted, billed work.
 */
export function refusedInReply<T extends NodeApiError>(error: T, billed: 'no' | 'unknown' = 'no'): T {
	const details = { status: undefined, message: error.message, code: String(error.context.apiErrorCode ?? '') };
	withFacts(error, { billed, retrySafe: billed === 'no', reason: reasonOf(details) });
	error.context.refusedInReply = true;
	return error;
}
