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

	it('starts at the cap, so a burst goes out at once', async () => {
		const limiter = new AdaptiveLimiter(32);
		await take(limiter, 20);
		expect(limiter.inFlight).toBe(20);
		expect(limiter.currentLimit).toBe(32);
	});

	it('a 429 sets the limit to what was in flight less the refused one, in one step, with no halving', async () => {
		const limiter = new AdaptiveLimiter(32);
		await take(limiter, 20);
		// A burst of 20 against an API that takes 4: the 16 refusals come back one by one.
		for (let i = 0; i < 16; i++) limiter.release('rateLimited');
		expect(limiter.currentLimit).toBe(4);
		expect(limiter.inFlight).toBe(4);
		limiter.release('success');
		expect(limiter.currentLimit).toBe(4);
		await take(limiter, 1);
		limiter.release('rateLimited'); // refused with 4 in flight: the API takes 3 now
		expect(limiter.currentLimit).toBe(3);
	});

	it('each refusal of a burst sets the limit to the requests still in flight, so the last leaves what the API took', async () => {
		const limiter = new AdaptiveLimiter(32);
		await take(limiter, 20);
		// The API took 4 of the 20 (in whatever order they arrived): the 16 refusals come back while those 4 are in flight.
		for (let refused = 1; refused <= 16; refused++) {
			limiter.release('rateLimited');
			expect(limiter.currentLimit).toBe(20 - refused);
			expect(limiter.inFlight).toBe(20 - refused);
		}
		expect(limiter.currentLimit).toBe(4);
		// A success frees a slot without changing the limit; the next request takes it.
		limiter.release('success');
		expect(limiter.currentLimit).toBe(4);
		await take(limiter, 1);
		expect(limiter.inFlight).toBe(4);
	});

	it('never goes below 1', async () => {
		const limiter = new AdaptiveLimiter(2);
		for (let i = 0; i < 3; i++) {
			await limiter.acquire();
			limiter.release('rateLimited');
		}
		expect(limiter.currentLimit).toBe(1);
	});

	it('while two rounds of requests wait, probes for one more after twice the limit in successes without a 429', async () => {
		const limiter = new AdaptiveLimiter(8);
		await take(limiter, 3);
		limiter.release('rateLimited'); // limit 2
		limiter.release('success');
		limiter.release('success');
		for (let i = 0; i < 4; i++) {
			await limiter.acquire();
			limiter.release('success');
		}
		expect(limiter.currentLimit).toBe(2); // nothing waited: no need for more
		await take(limiter, 2);
		// near the end of a batch (fewer than two rounds wait) a refused probe would cost more than it saves
		const few = Array.from({ length: 3 }, () => limiter.acquire());
		for (let i = 0; i < 3; i++) limiter.release('success');
		await Promise.all(few);
		expect(limiter.currentLimit).toBe(2);
		for (let i = 0; i < 2; i++) limiter.release('success');
		await take(limiter, 2);
		const many = Array.from({ length: 8 }, () => limiter.acquire());
		for (let i = 0; i < 4; i++) limiter.release('success');
		expect(limiter.currentLimit).toBe(3);
		while (limiter.inFlight > 0) limiter.release('success');
		await Promise.all(many);
		expect(limiter.queued).toBe(0);
	});

	it('a new cap applies at once and keeps what was learned', async () => {
		const limiter = new AdaptiveLimiter(8);
		await take(limiter, 5);
		limiter.release('rateLimited'); // limit 4
		limiter.setCap(2);
		expect(limiter.currentLimit).toBe(2);
		limiter.setCap(16);
		expect(limiter.currentLimit).toBe(4);
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
	it('an API that admits 3 requests in flight: 20 items all complete, and no request sent again after a 429 meets more than 4 in flight', async () => {
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
		// The retries (a prompt sent again) all leave after their own 429 and its Retry-After, when
		// the limit has been learned. Which first tries were refused depends on how fast the machine
		// sends them, so the test counts retries, not positions in the request list.
		const seen = new Set<unknown>();
		const retries = api.requests.filter((request) => {
			const again = seen.has(request.json?.prompt);
			seen.add(request.json?.prompt);
			return again;
		});
		const refused = api.requests.filter((request) => request.status === 429).length;
		expect(refused).toBeGreaterThan(0);
		expect(retries).toHaveLength(refused);
		expect(Math.max(...retries.map((r) => r.inFlightOnArrival ?? 0))).toBeLessThanOrEqual(4);
	});
});
