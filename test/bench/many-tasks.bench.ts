/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark code, never shipped */
import { N8nInstance, NODE_TYPE, workflow, type WorkflowNode } from '../e2e/n8n-instance';
import { API_KEY, startFakeCometApi, type FakeCometApi, type RecordedRequest } from '../helpers/fake-cometapi';
import { flux } from '../helpers/fake-flux';
import { planFakeMidjourney, resetFakeMidjourney } from '../helpers/fake-midjourney';
import { executeMeasured } from './measure';

/*
 * Many tasks waiting in one run, in real n8n (`n8n execute`, BENCH_N8N, default 2.8.4) against the
 * fake API (every request answered after BENCH_TASK_LATENCY_MS, default 200 ms):
 *
 *   S9   1,000 Midjourney Imagine items, each task taking 60 s (S9_ITEMS, S9_TASK_S), default
 *        options, list-by-condition served as new-api serves it (a bare array, unknown IDs left
 *        out, shuffled): peak RSS growth over the same workflow without the node, wall time against
 *        1.15 × (submission time + the task's time), failed items, poll requests per task
 *   S10  300 Flux Generate Image items, each task taking 30 s (S10_ITEMS, S10_TASK_S), default
 *        options (Flux has no batch route): poll requests per second (busiest second and mean)
 *        against the bound (POLLS_PER_SECOND, tasks/polls.ts), failed items
 *
 * `BENCH_ONLY=S9,S10 npm run bench` (skipped when BENCH_ONLY names neither). Printed, never asserted.
 */

const RELEASE = (process.env.E2E_N8N ?? '2.8.4').split(',')[0];
const LATENCY_MS = Number(process.env.BENCH_TASK_LATENCY_MS || 200);
const S9_ITEMS = Number(process.env.S9_ITEMS || 1000);
const S9_TASK_S = Number(process.env.S9_TASK_S || 60);
const S10_ITEMS = Number(process.env.S10_ITEMS || 300);
const S10_TASK_S = Number(process.env.S10_TASK_S || 30);
const POLLS_PER_SECOND = 10;
const CREDENTIAL = { id: 'cometApiManyTask', name: 'CometAPI (fake API)' };

const only = (process.env.BENCH_ONLY ?? '').split(',').map((v) => v.trim()).filter(Boolean);
const wanted = (id: string) => only.length === 0 || only.includes(id);

function items(count: number): WorkflowNode[] {
	return [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{
			name: 'Prompts',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { prompt: 'lighthouse ' + i } }));` },
		},
	];
}

const contender = (parameters: Record<string, unknown>): WorkflowNode => ({
	name: 'Contender',
	type: NODE_TYPE,
	typeVersion: 1,
	parameters,
	credentials: { cometApi: CREDENTIAL },
});

/** The most requests of these arrival times within any one second. */
function busiestSecond(times: number[]): number {
	const sorted = [...times].sort((a, b) => a - b);
	let best = 0;
	let from = 0;
	for (let to = 0; to < sorted.length; to++) {
		while (sorted[to] - sorted[from] >= 1000) from++;
		best = Math.max(best, to - from + 1);
	}
	return best;
}

const span = (requests: RecordedRequest[]) =>
	(Math.max(...requests.map((r) => r.respondedAt ?? r.receivedAt)) - Math.min(...requests.map((r) => r.receivedAt))) / 1000;

interface RunTask {
	data?: { main?: Array<Array<{ json: Record<string, unknown> }>> };
}

(only.length === 0 || wanted('S9') || wanted('S10') ? describe : describe.skip)(`S9, S10: many tasks waiting in one run, in real n8n ${RELEASE}`, () => {
	let api: FakeCometApi;
	let n8n: N8nInstance;

	beforeAll(async () => {
		api = await startFakeCometApi();
		n8n = await N8nInstance.create(RELEASE);
		await n8n.importCredentials([{ ...CREDENTIAL, type: 'cometApi', data: { apiKey: API_KEY, baseUrl: api.baseUrl } }]);
		await n8n.importWorkflows([
			workflow('benchS9Baseline1', 'S9 without the node', items(S9_ITEMS)),
			workflow('benchS9Imagine01', `S9: Imagine on ${S9_ITEMS} items`, [
				...items(S9_ITEMS),
				contender({ resource: 'midjourney', operation: 'imagine', prompt: '={{ $json.prompt }}', options: {} }),
			]),
			workflow('benchS10Flux0001', `S10: Flux on ${S10_ITEMS} items`, [
				...items(S10_ITEMS),
				contender({ resource: 'flux', operation: 'generateImage', prompt: '={{ $json.prompt }}', options: {} }),
			]),
		]);
	}, 300000);

	afterAll(async () => {
		await api?.close();
		n8n?.cleanUp();
	});

	/** What n8n printed when the run failed (the figures then mean nothing). */
	const failure = (execution: { exitCode: number | null; stdout: string; stderr: string }) =>
		execution.exitCode === 0 ? '' : `  n8n failed: ${`${execution.stderr}\n${execution.stdout}`.trim().split('\n').slice(-15).join('\n  ')}\n`;

	const outputsOf = (result: unknown) => {
		const runData = ((result as { data?: { resultData?: { runData?: Record<string, RunTask[]> } } } | undefined)?.data?.resultData?.runData ?? {}) as Record<string, RunTask[]>;
		return runData.Contender?.[0]?.data?.main?.[0] ?? [];
	};

	(wanted('S9') ? it : it.skip)(
		'S9: 1,000 Midjourney tasks of 60 s',
		async () => {
			api.reset();
			api.admit({ limit: 100_000, latencyMs: LATENCY_MS });
			const baseline = await executeMeasured(n8n, 'benchS9Baseline1');
			api.reset();
			api.admit({ limit: 100_000, latencyMs: LATENCY_MS });
			resetFakeMidjourney();
			planFakeMidjourney(() => ({ durationMs: S9_TASK_S * 1000 }));
			const run = await executeMeasured(n8n, 'benchS9Imagine01');
			const outputs = outputsOf(run.execution.result);
			const mj = api.requests.filter((r) => r.path.startsWith('/mj/'));
			const submits = mj.filter((r) => r.path.startsWith('/mj/submit/'));
			const lists = mj.filter((r) => r.path === '/mj/task/list-by-condition');
			const fetches = mj.filter((r) => r.path.endsWith('/fetch'));
			const submission = span(submits);
			const wall = span(mj);
			const bound = 1.15 * (submission + S9_TASK_S);
			const failed = S9_ITEMS - outputs.filter((item) => item.json.status === 'SUCCESS').length;
			const polls = lists.length + fetches.length;
			process.stdout.write(
				[
					'',
					`S9: ${S9_ITEMS} Midjourney Imagine items, tasks of ${S9_TASK_S} s, latency ${LATENCY_MS} ms (n8n ${RELEASE}, exit ${run.execution.exitCode})`,
					`  peak RSS ${run.peakRssMb.toFixed(0)} MB, without the node ${baseline.peakRssMb.toFixed(0)} MB: growth ${(run.peakRssMb - baseline.peakRssMb).toFixed(0)} MB (aim ≤ 80 MB)`,
					`  wall ${wall.toFixed(1)} s; submission ${submission.toFixed(1)} s; 1.15 × (submission + ${S9_TASK_S} s) = ${bound.toFixed(1)} s: ${(wall / (submission + S9_TASK_S)).toFixed(3)}× (aim ≤ 1.15×)`,
					`  failed ${failed} (aim 0); poll requests ${polls} (${lists.length} list-by-condition, ${fetches.length} fetches): ${(polls / S9_ITEMS).toFixed(3)} per task (aim < 3); ` +
						`busiest second ${busiestSecond(mj.filter((r) => !r.path.startsWith('/mj/submit/') && !r.path.startsWith('/mj/image/')).map((r) => r.receivedAt))} polls; ` +
						`IDs per list: mean ${(lists.reduce((sum, r) => sum + ((r.json?.ids as unknown[]) ?? []).length, 0) / Math.max(1, lists.length)).toFixed(1)}`,
					failure(run.execution),
				].join('\n'),
			);
		},
		900000,
	);

	(wanted('S10') ? it : it.skip)(
		'S10: 300 Flux tasks of 30 s',
		async () => {
			api.reset();
			flux.reset();
			api.admit({ limit: 100_000, latencyMs: LATENCY_MS });
			flux.plan(...Array.from({ length: S10_ITEMS }, () => ({ statuses: ['Ready'] })));
			// a task is Pending until S10_TASK_S after its submission, then the fake's own plan answers (Ready)
			api.override((request) => {
				if (request.path !== '/flux/v1/get_result') return undefined;
				const task = flux.tasks.get(String(request.query?.id));
				if (!task || Date.now() - task.request.receivedAt >= S10_TASK_S * 1000) return undefined;
				return { json: { id: task.id, status: 'Pending', result: null, progress: 0.5 } };
			});
			const run = await executeMeasured(n8n, 'benchS10Flux0001');
			api.override(undefined);
			const outputs = outputsOf(run.execution.result);
			const polls = api.requests.filter((r) => r.path === '/flux/v1/get_result');
			const submits = api.requests.filter((r) => r.path.startsWith('/flux/v1/') && r.method === 'POST');
			const failed = S10_ITEMS - outputs.filter((item) => item.json.error === undefined && item.json.taskId !== undefined).length;
			const pollSpan = span(polls);
			process.stdout.write(
				[
					'',
					`S10: ${S10_ITEMS} Flux items, tasks of ${S10_TASK_S} s, latency ${LATENCY_MS} ms (n8n ${RELEASE}, exit ${run.execution.exitCode})`,
					`  poll requests ${polls.length} (${(polls.length / S10_ITEMS).toFixed(2)} per task) over ${pollSpan.toFixed(1)} s: busiest second ${busiestSecond(polls.map((r) => r.receivedAt))}, ` +
						`mean ${(polls.length / pollSpan).toFixed(2)} a second (bound ${POLLS_PER_SECOND}); failed ${failed} (aim 0)`,
					`  submission ${span(submits).toFixed(1)} s; wall ${span([...submits, ...polls]).toFixed(1)} s; peak RSS ${run.peakRssMb.toFixed(0)} MB`,
					failure(run.execution),
				].join('\n'),
			);
		},
		900000,
	);
});
