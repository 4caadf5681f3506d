import { sleep } from 'n8n-workflow';

/** Statuses worth another attempt: rate limits and gateway/provider failures (524: Cloudflare timeout). */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504, 524]);

/** Network failures worth another attempt: resets, refusals, hang-ups and per-attempt timeouts. */
const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EAI_AGAIN',
]);

export const DEFAULT_MAX_RETRIES = 2;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 30_000;
const RETRY_AFTER_CAP_MS = 60_000;

export function isRetryableStatus(status: number, apiCode?: string): boolean {
	// CometAPI sometimes reports a malformed request as a 500 with code invalid_request: sending it again cannot help.
	if (status === 500 && apiCode === 'invalid_request') return false;
	return RETRYABLE_STATUSES.has(status);
}

export function isRetryableNetworkFailure(code: string, message: string): boolean {
	return RETRYABLE_NETWORK_CODES.has(code) || /socket hang up|timeout/i.test(message);
}

/** Exponential backoff with full jitter: a random wait up to min(30 s, 1 s · 2^(attempt-1)). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
	return Math.floor(random() * ceiling);
}

/** A Retry-After header in seconds or as an HTTP date, capped at 60 s; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now: number = Date.now()): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (text === '') return undefined;
	let ms: number;
	if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
	else {
		const date = Date.parse(text);
		if (Number.isNaN(date)) return undefined;
		ms = date - now;
	}
	return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, Math.round(ms)));
}

/** Waits with n8n's sleep; resolves false at once when the execution is cancelled. */
export async function waitUnlessCancelled(ms: number, signal?: AbortSignal): Promise<boolean> {
	if (signal?.aborted) return false;
	if (!signal) {
		await sleep(ms);
		return true;
	}
	let onAbort: () => void = () => {};
	const aborted = new Promise<boolean>((resolve) => {
		onAbort = () => resolve(false);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		// Given the signal, n8n's sleep clears its timer on a cancel (releases whose sleep takes no
		// signal let the timer run out; the race answers at once either way).
		const slept = sleep(ms, signal).then(
			() => !signal.aborted,
			() => false,
		);
		return await Promise.race([slept, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
