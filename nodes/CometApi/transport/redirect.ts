import type { IN8nHttpFullResponse, NodeApiError } from 'n8n-workflow';

import { withFacts } from './billing';
import { apiError } from './errors';
import { headerValue } from './http';
import type { JsonBody } from './json-body';
import type { ApiRequest, Context } from './request';

/*
 * Redirects of requests sent with the key (send.ts follows them itself, the HTTP client never
 * does): followed within the Base URL's origin, refused to any other, handed back unread when the
 * request asks for it (a task image's CDN link, read without the key).
 */

/** Redirects followed within the Base URL's origin before a request gives up. */
export const MAX_REDIRECTS = 5;

/** Where the request goes: its URL, method and body. */
export interface Target {
	url: string;
	method: ApiRequest['method'];
	body: ApiRequest['body'] | JsonBody;
}

/** Where a redirect points, when it points anywhere: the Location header resolved against the request's URL. */
export function redirectTarget(response: IN8nHttpFullResponse, from: string): URL | undefined {
	if (response.statusCode < 300 || response.statusCode >= 400) return undefined;
	const location = headerValue(response, 'location');
	if (!location) return undefined;
	try {
		return new URL(location, from);
	} catch {
		return undefined;
	}
}

/** Whether a redirect to another origin is handed back unread (never one from https to http). */
export function handsBack(next: URL, origin: string, request: Pick<ApiRequest, 'crossOriginRedirect'>): boolean {
	const downgrade = origin.startsWith('https:') && next.protocol === 'http:';
	return next.origin !== origin && request.crossOriginRedirect === 'return' && !downgrade;
}

/** The request a redirect within the origin makes: 303, and 301/302 after a POST, read with GET (as browsers do); 307/308 repeat it. */
export function hop(status: number, target: Target, next: URL): Target {
	const toGet = status === 303 || ((status === 301 || status === 302) && target.method === 'POST');
	return toGet ? { url: next.href, method: 'GET', body: undefined } : { ...target, url: next.href };
}

/** A redirect the key may not follow: to another origin (or from https to http), or too many of them. */
export function redirectError(context: Context, to: URL, origin: string, tooMany: boolean, itemIndex?: number): NodeApiError {
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
