/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code: it counts the process's timers */
import { backoffMs, isRetryableNetworkFailure, isRetryableStatus, retryAfterMs, waitUnlessCancelled } from '../../../../nodes/CometApi/transport/retry';

describe('retry rules', () => {
	it('retries 429, 500, 502, 503, 504, 524 and never 400, 401, 403, 404, 413, 422', () => {
		for (const status of [429, 500, 502, 503, 504, 524]) expect(isRetryableStatus(status)).toBe(true);
		for (const status of [400, 401, 403, 404, 413, 422]) expect(isRetryableStatus(status)).toBe(false);
		expect(isRetryableStatus(500, 'invalid_request')).toBe(false);
	});

	it('retries resets, refusals, hang-ups and timeouts', () => {
		expect(isRetryableNetworkFailure('ECONNRESET', 'read ECONNRESET')).toBe(true);
		expect(isRetryableNetworkFailure('ECONNREFUSED', 'connect ECONNREFUSED')).toBe(true);
		expect(isRetryableNetworkFailure('EUNKNOWN', 'socket hang up')).toBe(true);
		expect(isRetryableNetworkFailure('ECONNABORTED', 'timeout of 1000ms exceeded')).toBe(true);
		expect(isRetryableNetworkFailure('ENOTFOUND', 'getaddrinfo ENOTFOUND')).toBe(false);
	});

	it('backs off exponentially with full jitter, capped at 30 s', () => {
		expect(backoffMs(1, () => 0.999)).toBe(999);
		expect(backoffMs(2, () => 0.5)).toBe(1000);
		expect(backoffMs(3, () => 0.999)).toBe(3996);
		expect(backoffMs(10, () => 0.999)).toBe(29970);
		expect(backoffMs(3, () => 0)).toBe(0);
	});

	it('reads Retry-After in seconds or as an HTTP date, up to 60 s', () => {
		const now = Date.parse('2026-11-21T12:00:00Z');
		expect(retryAfterMs('2', now)).toBe(2000);
		expect(retryAfterMs('0.5', now)).toBe(500);
		expect(retryAfterMs('Sat, 21 Nov 2026 12:00:07 GMT', now)).toBe(7000);
		expect(retryAfterMs('Sat, 21 Nov 2026 11:59:00 GMT', now)).toBe(0);
		expect(retryAfterMs('3600', now)).toBe(60000);
		expect(retryAfterMs('soon', now)).toBeUndefined();
		expect(retryAfterMs(undefined, now)).toBeUndefined();
	});

	it('a wait cancelled by the execution ends at once and leaves no timer running (a 60 s Retry-After would keep the process busy)', async () => {
		const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
		const before = timers();
		const cancel = new AbortController();
		const waiting = waitUnlessCancelled(60_000, cancel.signal);
		expect(timers()).toBe(before + 1);
		cancel.abort();
		expect(await waiting).toBe(false);
		expect(timers()).toBe(before);
	});
});
