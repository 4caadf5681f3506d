import { AdaptiveLimiter } from '../../../nodes/CometApi/transport/limiter';
import { backoffMs, isRetryableNetworkFailure, isRetryableStatus, retryAfterMs } from '../../../nodes/CometApi/transport/retry';

/** Takes `count` slots that are free right now. */
async function take(limiter: AdaptiveLimiter, count: number) {
	for (let i = 0; i < count; i++) await limiter.acquire();
}

describe('AdaptiveLimiter', () => {
	it('lets up to the maximum in flight and queues the rest in order', async () => {
		const limiter = new AdaptiveLimiter(2);
		await take(limiter, 2);
		const order: string[] = [];
		const third = limiter.acquire().then(() => order.push('third'));
		const fourth = limiter.acquire().then(() => order.push('fourth'));
		await Promise.resolve();
		expect(order).toEqual([]);
		limiter.release('success');
		await third;
		expect(order).toEqual(['third']);
		limiter.release('success');
		await fourth;
		expect(order).toEqual(['third', 'fourth']);
		expect(limiter.inFlight).toBe(2);
	});

	it('a 429 halves the limit and caps it below what was in flight; successes raise it up to that cap', async () => {
		const limiter = new AdaptiveLimiter(8);
		await take(limiter, 5);
		limiter.release('rateLimited'); // refused with 5 in flight: the API took at most 4
		expect(limiter.currentLimit).toBe(4);
		for (let i = 0; i < 4; i++) limiter.release('success');
		expect(limiter.currentLimit).toBe(4);
		await take(limiter, 4);
		limiter.release('rateLimited'); // refused with 4 in flight: 3 is the cap now
		expect(limiter.currentLimit).toBe(2);
		limiter.release('success');
		limiter.release('success');
		expect(limiter.currentLimit).toBe(3);
	});

	it('never goes below 1', async () => {
		const limiter = new AdaptiveLimiter(2);
		for (let i = 0; i < 3; i++) {
			await limiter.acquire();
			limiter.release('rateLimited');
		}
		expect(limiter.currentLimit).toBe(1);
	});

	it('probes for more room after twice the cap in successes without a 429', async () => {
		const limiter = new AdaptiveLimiter(8);
		await take(limiter, 3);
		limiter.release('rateLimited'); // cap 2
		limiter.release('success');
		limiter.release('success');
		expect(limiter.currentLimit).toBe(2);
		for (let i = 0; i < 4; i++) {
			await limiter.acquire();
			limiter.release('success');
		}
		expect(limiter.currentLimit).toBe(3);
	});

	it('a waiting acquire is dropped when the execution is cancelled', async () => {
		const limiter = new AdaptiveLimiter(1);
		await limiter.acquire();
		const controller = new AbortController();
		const waiting = limiter.acquire(controller.signal);
		controller.abort();
		await expect(waiting).rejects.toThrow('aborted');
		limiter.release('success');
		expect(limiter.inFlight).toBe(0);
	});
});

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
});
