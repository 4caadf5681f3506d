import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getBaseUrls } from './base-url';
import { withFacts } from './billing';
import { attemptOnce } from './attempt';
import { headerValue, isTimeoutFailure, readAll, readNetworkFailure, type ByteStream } from './http';
import { ownStream, StreamFault } from './owned-stream';
import {
	backoffMs,
	DEFAULT_MAX_RETRIES,
	isRetryableNetworkFailure,
	isRetryableStatus,
	retryAfterMs,
	waitUnlessCancelled,
} from './retry';
import type { RequestRun } from './request';
import { send } from './send';

export const DEFAULT_MAX_DOWNLOAD_MB = 50;

export interface Download {
	data: Buffer;
	contentType?: string;
}

export interface DownloadOptions {
	timeoutSeconds: number;
	itemIndex: number;
	/** Largest file accepted, in bytes (default 50 MB). */
	maxBytes?: number;
	/** Further attempts after 429, 5xx, a reset or a timeout (default 2). */
	maxRetries?: number;
	/** The run's abort signal. */
	signal?: AbortSignal;
	/**
	 * When the image's host refuses it without the key (401, 403) and the URL is below the
	 * credential's own host root, fetch it once more through the credential (task APIs' own image
	 * links, e.g. Midjourney's imageUrl). The key never goes to any other host.
	 */
	viaCredentialWhenRefused?: boolean;
	/** The run the fetch through the credential belongs to (its request limit and cancel). */
	run?: RequestRun;
}

/** The host of an http(s) URL; empty for anything else. */
function httpHost(url: string): string {
	try {
		const parsed = new URL(url);
		return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host : '';
	} catch {
		return '';
	}
}

/** What went wrong with one download attempt, and whether another attempt may help. */
interface AttemptFailure {
	reason: string;
	retryable: boolean;
	retryAfter?: number;
	/** The HTTP status the host answered with, when it answered. */
	status?: number;
}

/**
 * Downloads a result image. Uses the plain HTTP helper, never the credential: the API key does not
 * go to image hosts. Only http(s) URLs; the body is read as it arrives and cut off at maxBytes. A GET
 * is free to repeat: 429, 5xx, resets and timeouts are retried (Max Retries, the same backoff), and
 * the last error carries the URL (context.url) so the image is not lost.
 */
export async function downloadImage(
	this: IExecuteFunctions,
	url: string,
	options: DownloadOptions,
): Promise<Download> {
	const { itemIndex } = options;
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_MB * 1024 * 1024;
	const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? DEFAULT_MAX_RETRIES));
	const host = httpHost(url);
	if (!host) {
		throw new NodeOperationError(this.getNode(), `The image URL "${url.slice(0, 100)}" is not an http(s) URL`, {
			itemIndex,
		});
	}
	for (let attempt = 1; ; attempt++) {
		const outcome = await downloadOnce.call(this, url, host, maxBytes, options);
		if (!('reason' in outcome)) return outcome;
		if (options.viaCredentialWhenRefused && (outcome.status === 401 || outcome.status === 403)) {
			const fetched = await downloadThroughCredential.call(this, url, maxBytes, options);
			// CometAPI may answer with a redirect to where the image lives (its CDN): read there without the key.
			if (typeof fetched === 'string') return await downloadImage.call(this, fetched, { ...options, viaCredentialWhenRefused: false });
			if (fetched) return fetched;
		}
		if (options.signal?.aborted) {
			throw new NodeOperationError(this.getNode(), 'The download of the image was cancelled', { itemIndex });
		}
		if (outcome.retryable && attempt <= maxRetries) {
			if (await waitUnlessCancelled(outcome.retryAfter ?? backoffMs(attempt), options.signal)) continue;
		}
		const attempts = attempt > 1 ? ` (after ${attempt} attempts)` : '';
		const error = new NodeOperationError(this.getNode(), `Downloading the image from ${host} failed${outcome.reason}${attempts}`, {
			itemIndex,
			description: `The image is at ${url} (it may expire soon): download it from there, or run the node again.`,
		});
		error.context.url = url;
		// The image host's status, for callers that wait for a file still being made (Bria's vectors).
		if (outcome.status !== undefined) error.context.httpStatus = outcome.status;
		throw withFacts(error, { reason: 'download' });
	}
}

async function downloadOnce(
	this: IExecuteFunctions,
	url: string,
	host: string,
	maxBytes: number,
	options: DownloadOptions,
): Promise<Download | AttemptFailure> {
	const network = (error: unknown): AttemptFailure => {
		const failure = readNetworkFailure(error instanceof StreamFault ? { code: error.code, message: error.message } : error);
		return { reason: `: ${failure.message}`, retryable: isRetryableNetworkFailure(failure.code, failure.message) };
	};
	const timeoutMs = options.timeoutSeconds * 1000;
	// Timed by the node, as requests with the key are: the HTTP client's own timeout reads as a
	// connection fault on some n8n releases.
	const attempt = await attemptOnce.call(
		this,
		{ method: 'GET', url, encoding: 'stream', returnFullResponse: true, ignoreHttpStatusErrors: true },
		timeoutMs,
		options.signal,
		false,
	);
	if ('failure' in attempt) {
		const { failure } = attempt;
		const timedOut = isTimeoutFailure(failure);
		const said = timedOut ? `no answer within ${options.timeoutSeconds} s (the Timeout option)` : failure.message;
		return { reason: `: ${said}`, retryable: timedOut || isRetryableNetworkFailure(failure.code, failure.message) };
	}
	const { response } = attempt;
	const stream = ownStream(response.body as ByteStream, {
		idleMs: timeoutMs,
		signal: options.signal,
		abortRequest: attempt.abort,
		onSettled: attempt.detach,
	});
	const status = response.statusCode;
	if (status < 200 || status >= 300) {
		stream.destroy?.();
		return {
			reason: ` with HTTP ${status}`,
			status,
			retryable: isRetryableStatus(status),
			retryAfter: retryAfterMs(headerValue(response, 'retry-after')),
		};
	}
	const declared = Number(headerValue(response, 'content-length'));
	if (Number.isFinite(declared) && declared > maxBytes) {
		stream.destroy?.();
		throw tooLarge(this, host, maxBytes, options.itemIndex);
	}
	let read: { data: Buffer; truncated: boolean };
	try {
		read = await readAll(stream, maxBytes);
	} catch (error) {
		return network(error);
	}
	if (read.truncated) throw tooLarge(this, host, maxBytes, options.itemIndex);
	const contentType = headerValue(response, 'content-type') || undefined;
	return { data: read.data, contentType };
}

function tooLarge(context: IExecuteFunctions, host: string, maxBytes: number, itemIndex: number): NodeOperationError {
	const error = new NodeOperationError(
		context.getNode(),
		`The image at ${host} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB (Max Download Size)`,
		{ itemIndex, description: 'Raise Max Download Size (MB) in the options, or ask for a smaller image.' },
	);
	return withFacts(error, { reason: 'download' });
}

/**
 * The image fetched through the credential (send.ts: the key, retries, the run's limit), when its
 * URL is below the credential's host root; undefined for any other host, which never gets the key.
 * A redirect to another origin is not followed with the key: its target is returned, to be fetched
 * without it.
 */
async function downloadThroughCredential(
	this: IExecuteFunctions,
	url: string,
	maxBytes: number,
	options: DownloadOptions,
): Promise<Download | string | undefined> {
	const { host } = await getBaseUrls.call(this, options.itemIndex);
	const image = new URL(url);
	const root = new URL(host);
	const rootPath = root.pathname.replace(/\/+$/, '');
	if (image.origin !== root.origin || !image.pathname.startsWith(`${rootPath}/`)) return undefined;
	const response = await send.call(
		this,
		{
			method: 'GET',
			root: 'host',
			endpoint: `${image.pathname.slice(rootPath.length)}${image.search}`,
			timeoutSeconds: options.timeoutSeconds,
			maxRetries: options.maxRetries,
			itemIndex: options.itemIndex,
			crossOriginRedirect: 'return',
		},
		'stream',
		options.run,
	);
	if (response.statusCode >= 300 && response.statusCode < 400) return new URL(headerValue(response, 'location'), url).href;
	const read = await readAll(response.body as ByteStream, maxBytes);
	if (read.truncated) throw tooLarge(this, image.host, maxBytes, options.itemIndex);
	return { data: read.data, contentType: headerValue(response, 'content-type') || undefined };
}
