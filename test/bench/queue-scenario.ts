import * as n8nLib from '../../scripts/lib/n8n';
import { answerPerItem, chainWorkflow, runRequest, ITEMS, resetChat, WEBHOOK_PATH } from '../e2e/queue-chain';
import { http, startQueueCluster } from '../e2e/queue';
import { API_KEY, type FakeCometApi } from '../helpers/fake-cometapi';

/*
 * S6: queue mode as in the e2e (Redis, PostgreSQL, a main instance, two workers with two jobs each),
 * four executions × 25 items of Generate → Edit → Chat Image started at once through the
 * production webhook, against an API that admits ADMIT requests at once, each taking the latency
 * L, and answers 429 (Retry-After: 1) beyond. Four executions at default settings want up to 32
 * requests in flight: each must find the limit on its own.
 */

const RUNS = 4;
const ADMIT = 8;
const CREDENTIAL_NAME = 'CometAPI (bench)';

export interface QueueRow {
	ok: boolean;
	runs: number;
	items: number;
	admit: number;
	/** From the webhook calls to the last execution's end, by n8n's own timestamps. */
	wallSeconds: number;
	/** The least time: every request once, ADMIT at a time, each taking L. */
	limitSeconds: number;
	ratioToLimit: number;
	/** Image requests answered (200), refused with 429, and all image requests sent. */
	answered: number;
	refused: number;
	requests: number;
	/** Items without an image at the end of the chain, and executions that did not succeed. */
	failedItems: number;
	failedExecutions: number;
	/** Executions each worker ran. */
	perWorker: number[];
	/** Each execution's own time, from its start on a worker to its end. */
	executionSeconds: number[];
	note?: string;
}

export async function measureQueueMode(release: string, api: FakeCometApi, latencyMs: number): Promise<QueueRow> {
	const cluster = await startQueueCluster(release, { workers: 2, concurrency: 2 });
	try {
		const credentialId = await cluster.createCredential(CREDENTIAL_NAME, 'cometApi', { apiKey: API_KEY, baseUrl: api.baseUrl });
		const workflowId = await cluster.activateWorkflow(chainWorkflow({ id: credentialId, name: CREDENTIAL_NAME }));
		api.reset();
		const mismatches = answerPerItem(api);
		api.admit({ limit: ADMIT, latencyMs, retryAfter: '1' });

		const calledAt = Date.now();
		const started = await Promise.all(
			Array.from({ length: RUNS }, async (_, run) =>
				await http(`${cluster.url}/webhook/${WEBHOOK_PATH}`, 'POST', { 'content-type': 'application/json' }, runRequest(run)),
			),
		);
		const executions = await cluster.waitForExecutions(workflowId, RUNS, 15 * 60 * 1000);
		const endedAt = Math.max(...executions.map((e) => Date.parse(e.stoppedAt)));

		const imageRequests = api.requests.filter((r) => r.method === 'POST');
		const counts = api.statusCounts();
		const chatItems = executions.flatMap((e) => e.runData.Chat?.[0]?.data?.main[0] ?? []);
		const failedItems = RUNS * ITEMS - chatItems.filter((item) => item.binary?.data && item.json.error === undefined).length;
		const failedExecutions = executions.filter((e) => e.status !== 'success').length;
		const perWorker = cluster.workers.map((worker) => worker.executionIds().length);
		const limitMs = (3 * RUNS * ITEMS * latencyMs) / ADMIT;
		const row: QueueRow = {
			ok: started.every((answer) => answer.status === 200) && failedExecutions === 0 && mismatches.length === 0,
			runs: RUNS,
			items: ITEMS,
			admit: ADMIT,
			wallSeconds: (endedAt - calledAt) / 1000,
			limitSeconds: limitMs / 1000,
			ratioToLimit: (endedAt - calledAt) / limitMs,
			answered: counts[200] ?? 0,
			refused: counts[429] ?? 0,
			requests: imageRequests.length,
			failedItems,
			failedExecutions,
			perWorker,
			executionSeconds: executions.map((e) => (Date.parse(e.stoppedAt) - Date.parse(e.startedAt)) / 1000).sort((a, b) => a - b),
			...(mismatches.length > 0 ? { note: mismatches.slice(0, 3).join('; ') } : {}),
		};
		n8nLib.log(
			`bench S6 queue mode: ${row.wallSeconds.toFixed(2)} s, ${row.answered} answered, ${row.refused} × 429, ` +
				`${row.failedItems} failed items, executions per worker ${perWorker.join('/')}`,
		);
		return row;
	} finally {
		resetChat();
		api.reset();
		await cluster.stop();
	}
}

export function queueTable(row: QueueRow): string {
	const header = ['scenario', 'wall s', 'limit 3·N·L/8 s', 'ratio', 'execution s (each)', 'answered', '429s', 'failed items', 'executions per worker'];
	const line = [
		'S6',
		row.wallSeconds.toFixed(2),
		row.limitSeconds.toFixed(2),
		row.ratioToLimit.toFixed(2),
		row.executionSeconds.map((s) => s.toFixed(1)).join(', '),
		String(row.answered),
		String(row.refused),
		String(row.failedItems) + (row.ok ? '' : ` (${row.note ?? `${row.failedExecutions} executions failed`})`),
		row.perWorker.join(' / '),
	];
	return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, `| ${line.join(' | ')} |`].join('\n');
}
