import { sleep } from 'n8n-workflow';

import { AdaptiveLimiter } from '../../../../nodes/CometApi/transport/limiter';
import { API_KEY, errorReply } from '../../../helpers/fake-cometapi';
import { runCometApi } from '../../../helpers/harness';
import { makePng } from '../../../helpers/images';
import { useFakeCometApi } from '../../../helpers/setup';

const api = useFakeCometApi();

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

describe('AdaptiveLimiter in a run', () => {
	it('an API that admits 3 requests in flight: 20 items all complete, and after the first window it never sees more than 4 at once', async () => {
		let admitted = 0;
		api.override(async () => {
			if (admitted >= 3) return { ...errorReply(429, 'Too many concurrent requests'), headers: { 'retry-after': '1' } };
			admitted += 1;
			await sleep(150);
			admitted -= 1;
			return { json: { created: 1, data: [{ b64_json: makePng(2, 2).toString('base64') }] } };
		});
		const { output, error } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.p }}' },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: Array.from({ length: 20 }, (_, i) => ({ json: { p: `p${i}` } })),
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(20);
		expect(output.map((item) => (item.pairedItem as { item: number }).item)).toEqual([...Array(20).keys()]);
		expect(output.every((item) => item.binary?.data)).toBe(true);
		const firstWindow = 8; // Max Concurrent Requests: the burst sent before any answer came back
		const later = api.requests.slice(firstWindow);
		expect(later.length).toBeGreaterThan(12);
		expect(Math.max(...later.map((r) => r.inFlightOnArrival ?? 0))).toBeLessThanOrEqual(4);
	});
});
