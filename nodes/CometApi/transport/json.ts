import type { IDataObject } from 'n8n-workflow';

import { apiError, looksLikeHtml } from './errors';
import type { ApiRequest, Context, RequestRun } from './request';
import { send } from './send';

/** Parses a JSON reply; an HTML page or other non-JSON body becomes an error about the Base URL. */
export function parseJsonBody(this: Context, status: number, raw: unknown, itemIndex?: number, acceptEmpty = false): IDataObject {
	let body: unknown = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
	if (acceptEmpty && (body === undefined || body === null || (typeof body === 'string' && /^\s*(null)?\s*$/.test(body)))) return {};
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
 * A request whose answer is one JSON object: Base URL, auth through the credential, timeout and
 * retries (see send.ts), and every failure turned into a NodeApiError that carries CometAPI's own
 * message.
 */
export async function apiRequest(this: Context, request: ApiRequest, run?: RequestRun): Promise<IDataObject> {
	const response = await send.call(this, request, 'json', run);
	const body = parseJsonBody.call(this, response.statusCode, response.body, request.itemIndex, request.acceptEmpty);
	// The reply is in memory: the next item may start its upload while this one stores its images.
	// (A failed item gives its slot back only once its error is recorded, so no item starts after it.)
	if (request.itemIndex !== undefined) run?.requestAnswered(request.itemIndex);
	return body;
}

/**
 * A request whose answer is a JSON array (Midjourney's list-by-condition): its entries that are
 * objects. An object in its place (an error envelope in a 200) is returned as it is, for the caller
 * to read; anything else is the same error as apiRequest's.
 */
export async function apiListRequest(this: Context, request: ApiRequest, run?: RequestRun): Promise<IDataObject[] | IDataObject> {
	const response = await send.call(this, request, 'json', run);
	let body: unknown = Buffer.isBuffer(response.body) ? response.body.toString('utf8') : response.body;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			// not JSON: parseJsonBody below says so
		}
	}
	if (request.itemIndex !== undefined) run?.requestAnswered(request.itemIndex);
	if (Array.isArray(body)) return body.filter((entry): entry is IDataObject => !!entry && typeof entry === 'object' && !Array.isArray(entry));
	return parseJsonBody.call(this, response.statusCode, body, request.itemIndex);
}
