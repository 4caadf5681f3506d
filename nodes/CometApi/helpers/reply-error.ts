import type { INode, NodeApiError } from 'n8n-workflow';

import { apiError, readApiError } from '../transport';
import { asRecord } from './chat-reply';

/*
 * Errors CometAPI reports inside a reply that came with HTTP 200: `{"error": {message, code}}` as
 * the whole body (Images API, chat) or as an event of a stream. One reading for every operation.
 */

/** An `error` that says something: a message or a code (CometAPI sends `"error": {}` on success). */
export function hasApiError(body: Record<string, unknown>): boolean {
	const error = body.error;
	if (typeof error === 'string') return error.trim() !== '';
	const record = asRecord(error);
	return !!record && (!!record.message || !!record.code);
}

/** The error users see for an error CometAPI reported inside a reply (no HTTP status: it came with a 200). */
export function replyError(node: INode, error: unknown, itemIndex: number): NodeApiError {
	return apiError(node, { ...readApiError(0, error), status: undefined }, itemIndex);
}
