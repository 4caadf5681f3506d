import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { reasonOf } from './billing';

/** What CometAPI (an OpenAI-style gateway) puts in an error reply, reduced to what users need. */
export interface ApiErrorDetails {
	status?: number;
	message: string;
	code?: string;
	type?: string;
	param?: string;
}

function asText(value: unknown): string | undefined {
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	if (typeof value === 'number') return String(value);
	return undefined;
}

export function looksLikeHtml(body: unknown): boolean {
	return typeof body === 'string' && /^\s*</.test(body);
}

/** Reads `{ error: { message, code, type, param } }`, `{ message }` or a plain text body. */
export function readApiError(status: number, body: unknown): ApiErrorDetails {
	let parsed: unknown = body;
	if (Buffer.isBuffer(parsed)) parsed = parsed.toString('utf8');
	if (typeof parsed === 'string') {
		try {
			parsed = JSON.parse(parsed);
		} catch {
			// Not JSON: handled below as text.
		}
	}
	if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
		const record = parsed as Record<string, unknown>;
		const inner =
			record.error && typeof record.error === 'object'
				? (record.error as Record<string, unknown>)
				: record;
		const message =
			asText(inner.message) ??
			asText(record.error) ??
			asText(record.message) ??
			asText(record.detail) ??
			// the Midjourney gateway's shape: {code, description, type}
			asText(record.description) ??
			`HTTP ${status}`;
		return {
			status,
			message,
			code: asText(inner.code),
			type: asText(inner.type),
			param: asText(inner.param),
		};
	}
	if (looksLikeHtml(parsed)) {
		return {
			status,
			message: `CometAPI answered HTTP ${status} with an HTML page instead of JSON`,
			code: 'html_response',
		};
	}
	const text = asText(parsed);
	return { status, message: text ? text.slice(0, 500) : `HTTP ${status}` };
}

/**
 * The error CometAPI reported inside a reply that came with HTTP 200 (`{"error": "…"}` or
 * `{"error": {message, code}}`), or undefined when the reply holds none (CometAPI sends
 * `"error": {}` on success). Its status is left out: there was none.
 */
export function errorInReply(body: unknown): ApiErrorDetails | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const error = (body as Record<string, unknown>).error;
	if (typeof error === 'string' ? error.trim() === '' : !error || typeof error !== 'object') return undefined;
	const record = error as Record<string, unknown>;
	if (typeof error === 'object' && !record.message && !record.code) return undefined;
	return { ...readApiError(0, error), status: undefined };
}

/** A hint for the cases users meet most often: what to change to make the call work. */
export function hintFor(details: ApiErrorDetails): string {
	const code = (details.code ?? '').toLowerCase();
	const message = details.message.toLowerCase();
	if (code === 'html_response') {
		return 'Check the Base URL in the CometAPI credential: it should be the API root, e.g. https://api.cometapi.com/v1.';
	}
	// one hint per class of cause, the class the error item's `reason` names (billing.ts)
	switch (reasonOf(details)) {
		case 'moderation':
			return 'The prompt or an input image was refused by the safety system (moderation, content policy): rephrase the prompt or change the image. Sending it again as it is will be refused again.';
		case 'balance':
			return 'Your CometAPI balance or this key’s quota is used up: top up, or set the key to unlimited quota in the CometAPI console.';
		case 'auth':
			return details.status === 403
				? 'This key may not use this model or endpoint: check the key’s permissions in the CometAPI console.'
				: 'Check the API key in the CometAPI credential, and that its Base URL is CometAPI’s (not OpenAI’s).';
		case 'rate_limit':
			return 'CometAPI is rate limiting this key: lower Max Concurrent Requests, or try again later.';
		case 'not_found':
			if (code === 'model_not_found' || message.includes('model')) {
				return 'Check the model ID: pick one from the list, or check that your key may use it.';
			}
			return details.status === 404
				? 'The endpoint or model was not found: check the Base URL in the credential and the model ID.'
				: 'CometAPI did not find what the request names: check the model ID and any task ID.';
		case 'server':
			return 'CometAPI or the upstream model provider failed or timed out: try again later.';
		default:
			if (details.status === 413) return 'The request is too large: send smaller or fewer input images.';
			if (details.param) {
				return `CometAPI rejected the parameter "${details.param}": remove it or change its value for this model.`;
			}
			return details.status === undefined ? '' : 'CometAPI rejected the request: check the options this model supports.';
	}
}

/**
 * Builds the NodeApiError users see. Only this clean object is handed to n8n: never the HTTP
 * client's own error, whose request config holds the Authorization header.
 */
export function apiError(
	node: INode,
	details: ApiErrorDetails,
	itemIndex: number | undefined,
	extraDescription?: string,
): NodeApiError {
	const facts = [
		details.status !== undefined ? `HTTP ${details.status}` : undefined,
		details.code ? `code ${details.code}` : undefined,
	]
		.filter(Boolean)
		.join(', ');
	const description = [hintFor(details), extraDescription, facts ? `(${facts})` : '']
		.filter((part) => part)
		.join(' ');
	const response: JsonObject = {
		message: details.message,
		...(details.code ? { code: details.code } : {}),
		...(details.type ? { type: details.type } : {}),
		...(details.param ? { param: details.param } : {}),
		...(details.status !== undefined ? { httpCode: String(details.status) } : {}),
	};
	const error = new NodeApiError(node, response, {
		message: details.message,
		description,
		httpCode: details.status !== undefined ? String(details.status) : undefined,
		itemIndex,
	});
	// NodeApiError rewrites some messages from the code (e.g. "ECONNREFUSED"): keep CometAPI's own words.
	error.message = details.message;
	error.context.apiErrorCode = details.code ?? null;
	return error;
}
