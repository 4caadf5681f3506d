/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code: it reads the README */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { sleep } from 'n8n-workflow';

import { CometApi } from '../../../../nodes/CometApi/CometApi.node';
import { sharedLimiterCount } from '../../../../nodes/CometApi/transport';
import { API_KEY } from '../../../helpers/fake-cometapi';
import { runCometApi, startCometApi, type NodeRun } from '../../../helpers/harness';
import { afterFirstBurst, mostInFlightOnArrival, watchingAccountLimiter } from '../../../helpers/rate-limit';
import { eventually, useFakeCometApi } from '../../../helpers/setup';

/*
 * One adaptive limiter per account (API key + Base URL) and process: executions running at the
 * same time share it, and it is gone once no run uses it.
 */

const api = useFakeCometApi();

const ADMITTED = 4;
/** The first execution's 20 items: its first tries go out before any answer came back (Max Concurrent Requests 32). */
const FIRST_BURST = 20;
const DEFAULT_MAX_CONCURRENCY = 32;

function generateRun(items: number, credentials: { apiKey: string; baseUrl: string }, options: Record<string, unknown> = {}) {
	return {
		parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.p }}', options },
		credentials,
		input: Array.from({ length: items }, (_, i) => ({ json: { p: `kite ${i}` } })),
	};
}

function expectAllImages(run: NodeRun, items: number): void {
	expect(run.error).toBeUndefined();
	expect(run.output).toHaveLength(items);
	expect(run.output.map((item) => item.json.prompt)).toEqual(Array.from({ length: items }, (_, i) => `kite ${i}`));
	expect(run.output.every((item) => item.binary?.data)).toBe(true);
}

describe('Executions at the same time share their account’s limiter', () => {
	it(`three executions × 20 items against an API admitting ${ADMITTED}: no item fails; after the first burst the API never sees more than ${ADMITTED + 1} at once`, async () => {
		api.admit({ limit: ADMITTED, retryAfter: '1', latencyMs: 300 });
		const credentials = { apiKey: API_KEY, baseUrl: api.baseUrl };
		// The first execution bursts its 20 requests and learns what the API takes; the other two start
		// while it runs and join its limiter, so they send no burst of their own.
		// Every request of the three must hold a slot of the account's one limiter while the API answers it.
		const { result: runs, openBeyondLimiter } = await watchingAccountLimiter(api, async () => {
			const first = startCometApi(generateRun(20, credentials));
			expect(await eventually(() => (api.statusCounts()[200] ?? 0) >= ADMITTED)).toBe(true);
			const others = [1, 2].map(() => startCometApi(generateRun(20, credentials)));
			return await Promise.all([first, ...others].map(async (started) => {
				const run = await started.finished;
				const task = run.data.resultData.runData.CometAPI?.[0];
				return { run, output: task?.data?.main?.[0] ?? [], error: task?.error ?? undefined, nextOutput: [] } as NodeRun;
			}));
		});
		for (const run of runs) expectAllImages(run, 20);
		expect(api.statusCounts()[200]).toBe(60);
		// Executions with limiters of their own would each send a burst of 20 into a full API, the
		// API answering more requests than the shared limiter counts. (How many 429s the probes meet
		// depends on machine load, so the test does not count them.)
		expect(openBeyondLimiter).toBe(0);
		expect(mostInFlightOnArrival(afterFirstBurst(api.requests, FIRST_BURST))).toBeLessThanOrEqual(ADMITTED + 1);
		expect(sharedLimiterCount()).toBe(0);
	}, 60_000);

	it('a run in progress holds its account’s limiter; another account has its own', async () => {
		api.admit({ limit: 100, latencyMs: 300 });
		const first = startCometApi(generateRun(1, { apiKey: API_KEY, baseUrl: api.baseUrl }));
		const second = startCometApi(generateRun(1, { apiKey: API_KEY, baseUrl: api.baseUrl }));
		const other = startCometApi(generateRun(1, { apiKey: 'sk-another-account', baseUrl: api.baseUrl }));
		expect(await eventually(() => api.inFlight() === 3)).toBe(true);
		expect(sharedLimiterCount()).toBe(2);
		await Promise.all([first.finished, second.finished, other.finished]);
		expect(sharedLimiterCount()).toBe(0);
	});

	it('thousands of executions (succeeding, failing, cancelled) leave no limiter behind', async () => {
		api.admit({ limit: 1000, latencyMs: 0 });
		const executions = 2000;
		let cancelled = 0;
		for (let batch = 0; batch < executions; batch += 50) {
			await Promise.all(
				Array.from({ length: 50 }, async (_, i) => {
					const index = batch + i;
					// Every fourth one has a key of its own, which the API refuses (401): one account each.
					const apiKey = index % 4 === 3 ? `sk-refused-${index}` : API_KEY;
					const started = startCometApi({ ...generateRun(2, { apiKey, baseUrl: api.baseUrl }), continueOnFail: index % 2 === 0 });
					if (index % 10 === 5) {
						await sleep(1);
						started.cancel();
						cancelled += 1;
						await started.nodeSettled;
					} else {
						await started.finished;
					}
				}),
			);
		}
		expect(cancelled).toBe(executions / 10);
		expect(api.statusCounts()[401]).toBeGreaterThan(100);
		expect(await eventually(() => sharedLimiterCount() === 0)).toBe(true);
		// About 16 s on a quiet machine; the margin is for a loaded one (it took over 120 s with jest's
		// --detectOpenHandles on a machine running three CI runs).
	}, 300_000);
});

describe('Max Concurrent Requests says it is per account and per process', () => {
	it('in its description and in the README', () => {
		const options = new CometApi().description.properties.filter((property) => property.name === 'options');
		const maxConcurrency = options
			.flatMap((collection) => (collection.options ?? []) as Array<{ name: string; description?: string; default?: unknown }>)
			.filter((option) => option.name === 'maxConcurrency');
		expect(maxConcurrency.length).toBeGreaterThan(0);
		for (const option of maxConcurrency) {
			expect(option.description).toMatch(/for one account \(API key and Base URL\) in this n8n process/);
			expect(option.default).toBe(DEFAULT_MAX_CONCURRENCY);
		}
		const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
		expect(readme).toMatch(/\| Max Concurrent Requests \| 32 \| [^\n]*per account[^\n]*per n8n process/);
	});
});

describe('Abort signals', () => {
	it('a run of 40 items in flight keeps under Node’s 10 listeners on every signal (no MaxListenersExceededWarning)', async () => {
		// Counts the abort listeners each signal holds at once, as Node does before it warns.
		const listeners = new WeakMap<AbortSignal, number>();
		let most = 0;
		const { addEventListener, removeEventListener } = AbortSignal.prototype;
		const add = jest.spyOn(AbortSignal.prototype, 'addEventListener').mockImplementation(function (this: AbortSignal, ...args) {
			const count = (listeners.get(this) ?? 0) + 1;
			listeners.set(this, count);
			most = Math.max(most, count);
			addEventListener.apply(this, args);
		});
		const remove = jest.spyOn(AbortSignal.prototype, 'removeEventListener').mockImplementation(function (this: AbortSignal, ...args) {
			listeners.set(this, (listeners.get(this) ?? 1) - 1);
			removeEventListener.apply(this, args);
		});
		try {
			api.admit({ limit: 100, latencyMs: 200 });
			const run = await runCometApi(generateRun(40, { apiKey: API_KEY, baseUrl: api.baseUrl }));
			expectAllImages(run, 40);
			expect(api.maxInFlight()).toBeGreaterThan(20);
		} finally {
			add.mockRestore();
			remove.mockRestore();
		}
		expect(most).toBeGreaterThan(0);
		expect(most).toBeLessThanOrEqual(10);
	});
});
