/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark code, never shipped */
import * as n8nLib from '../../scripts/lib/n8n';
import { N8nInstance, NODE_TYPE, workflow } from '../e2e/n8n-instance';
import { API_KEY, startFakeCometApi, type FakeCometApi } from '../helpers/fake-cometapi';
import { planFakeMidjourney, resetFakeMidjourney } from '../helpers/fake-midjourney';

/*
 * Midjourney tasks waiting side by side, in real n8n (BENCH_N8N) against the fake API: Imagine on
 * one item, then on MJ_ITEMS items (default 20), every task taking MJ_TASK_MS on the fake (default
 * 3000) with Poll Interval 0.5 s and Max Concurrent Requests 8. The wall time is the node's, from the
 * first Midjourney request the fake received to the last answer it sent (n8n's start-up left out).
 * `npx jest -c jest.bench.config.js midjourney` (skipped when BENCH_ONLY is set). Printed, never asserted.
 */

const ITEMS = Number(process.env.MJ_ITEMS || 20);
const TASK_MS = Number(process.env.MJ_TASK_MS || 3000);
const CREDENTIAL = { id: 'cometApiMjBench1', name: 'CometAPI (fake API)' };

function imagineOn(id: string, items: number) {
	return workflow(id, `Imagine on ${items} items`, [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{
			name: 'Prompts',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: `return Array.from({ length: ${items} }, (_, i) => ({ json: { prompt: 'lighthouse ' + i } }));` },
		},
		{
			name: 'Imagine',
			type: NODE_TYPE,
			typeVersion: 1,
			parameters: { resource: 'midjourney', operation: 'imagine', prompt: '={{ $json.prompt }}', options: { pollInterval: 0.5 } },
			credentials: { cometApi: CREDENTIAL },
		},
	]);
}

// skipped when BENCH_ONLY picks scenarios (this one has no number): `BENCH_ONLY=S8 npm run bench` runs S8 alone
(process.env.BENCH_ONLY ? describe.skip : describe)(`Midjourney tasks side by side in real n8n ${process.env.E2E_N8N}`, () => {
	let api: FakeCometApi;
	let n8n: N8nInstance;

	beforeAll(async () => {
		api = await startFakeCometApi();
		n8n = await N8nInstance.create(process.env.E2E_N8N ?? n8nLib.RELEASES[0].version);
		await n8n.importCredentials([{ ...CREDENTIAL, type: 'cometApi', data: { apiKey: API_KEY, baseUrl: api.baseUrl } }]);
		await n8n.importWorkflows([imagineOn('mjBenchOne000001', 1), imagineOn('mjBenchMany00001', ITEMS)]);
	}, 300000);

	afterAll(async () => {
		await api?.close();
		n8n?.cleanUp();
	});

	it('reports the wall time of one task and of many waiting at once', async () => {
		const rows: string[] = [];
		for (const [id, items] of [['mjBenchOne000001', 1], ['mjBenchMany00001', ITEMS]] as const) {
			api.reset();
			resetFakeMidjourney();
			planFakeMidjourney(() => ({ durationMs: TASK_MS }));
			const run = await n8n.execute(id);
			if (run.status !== 'success') throw new Error(`execution ${run.id} ended with status ${run.status}:\n${run.output}`);
			const mj = api.requests.filter((r) => r.path.startsWith('/mj/'));
			const wall = Math.max(...mj.map((r) => r.respondedAt ?? r.receivedAt)) - Math.min(...mj.map((r) => r.receivedAt));
			const submits = mj.filter((r) => r.path.startsWith('/mj/submit/')).length;
			const polls = mj.filter((r) => r.path.endsWith('/fetch') || r.path === '/mj/task/list-by-condition').length;
			rows.push(`| ${items} | ${TASK_MS / 1000} s | ${(wall / 1000).toFixed(2)} s | ${submits} | ${polls} | ${api.maxInFlight()} |`);
		}
		process.stdout.write(`\n${['| items | each task | node wall time | submissions | polls | most requests in flight |', '|---|---|---|---|---|---|', ...rows].join('\n')}\n`);
	});
});
