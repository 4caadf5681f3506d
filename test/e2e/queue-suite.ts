import * as n8nLib from '../../scripts/lib/n8n';
import '../helpers/fake-chat'; // registers POST /v1/chat/completions on the fake API
import { API_KEY, startFakeCometApi, type FakeCometApi } from '../helpers/fake-cometapi';
import { answerPerItem, chainWorkflow, runRequest, IMAGES, ITEMS, itemOf, resetChat, WEBHOOK_PATH } from './queue-chain';
import { http, startQueueCluster, stopQueueClusters, type QueueCluster } from './queue';
import { describeRelease } from './releases';

/*
 * Queue mode for real: Redis and PostgreSQL, one main instance and two `n8n worker` processes, each
 * with the packed package in its own user folder, binaries in the database. Four executions of
 * Generate → Edit → Chat Image on 25 items each, started at once through the main instance's
 * production webhook, must run on the workers, both of them, with every output right.
 */

const RUNS = 4;
const CREDENTIAL_NAME = 'CometAPI (fake API)';

export function queueSuite(version: string) {
	describeRelease(version, () => {
		describe('queue mode (Redis, PostgreSQL, a main instance and two workers)', () => {
			let api: FakeCometApi;
			let cluster: QueueCluster | undefined;

			beforeAll(async () => {
				api = await startFakeCometApi();
				cluster = await startQueueCluster(version, { workers: 2, concurrency: 2 });
			}, 900000);

			afterAll(async () => {
				resetChat();
				// also a cluster still starting when beforeAll timed out
				await stopQueueClusters();
				await api?.close();
			}, 120000);

			it(`runs ${RUNS} webhook executions × ${ITEMS} items of Generate → Edit → Chat Image on both workers, binaries in the database`, async () => {
				const n8n = cluster!;
				const mismatches = answerPerItem(api);
				// a little latency, so the executions overlap as they would against the real API
				api.admit({ limit: 1000, latencyMs: 100 });
				const credentialId = await n8n.createCredential(CREDENTIAL_NAME, 'cometApi', { apiKey: API_KEY, baseUrl: api.baseUrl });
				const workflowId = await n8n.activateWorkflow(chainWorkflow({ id: credentialId, name: CREDENTIAL_NAME }));

				// the production webhook of the active workflow, four calls at once
				const started = await Promise.all(
					Array.from({ length: RUNS }, async (_, run) =>
						await http(`${n8n.url}/webhook/${WEBHOOK_PATH}`, 'POST', { 'content-type': 'application/json' }, runRequest(run)),
					),
				);
				expect(started.map((answer) => `${answer.status} ${answer.body.toString('utf8')}`)).toEqual(Array(RUNS).fill('200 {"message":"Workflow was started"}'));
				const executions = await n8n.waitForExecutions(workflowId, RUNS);

				// every execution ran on a worker, each on exactly one, and both workers took part
				const byWorker = n8n.workers.map((worker) => worker.executionIds().sort());
				expect(byWorker.flat().sort()).toEqual(executions.map((e) => e.id).sort());
				for (const ids of byWorker) expect(ids.length).toBeGreaterThan(0);
				n8nLib.log(`queue ${version}: executions per worker: ${byWorker.map((ids, i) => `${n8n.workers[i].name} ${ids.length} (${ids.join(', ')})`).join('; ')}`);

				expect(mismatches).toEqual([]);
				expect(executions.map((e) => [e.status, e.error?.message])).toEqual(Array(RUNS).fill(['success', undefined]));
				expect(api.statusCounts()).toEqual({ 200: 3 * RUNS * ITEMS });
				expect(api.imageHost.requests).toHaveLength(RUNS * ITEMS);

				// every output: its item (prompt and pairedItem), MIME type, file name and the bytes the main instance serves
				const runs = executions.map((execution) => itemOf(execution.runData.Prompts[0].data?.main[0][0].json.prompt)?.run).sort();
				expect(runs).toEqual(Array.from({ length: RUNS }, (_, run) => run));
				for (const execution of executions) {
					for (const node of ['Generate', 'Edit', 'Chat'] as const) {
						const items = execution.runData[node][0].data?.main[0] ?? [];
						const run = itemOf(execution.runData.Prompts[0].data?.main[0][0].json.prompt)!.run;
						expect(items.map((item) => [item.pairedItem, itemOf(item.json.prompt)])).toEqual(
							Array.from({ length: ITEMS }, (_, index) => [{ item: index }, { run, item: index }]),
						);
						const expected = IMAGES[node];
						const served = await Promise.all(
							items.map(async (item, index) => {
								const binary = item.binary?.data;
								expect(binary).toMatchObject({ mimeType: expected.mimeType, fileName: `image_1.${expected.extension}`, id: expect.stringMatching(/^database:/) });
								const { status, mimeType, data } = await n8n.binary(binary!.id!);
								return { status, mimeType, same: data.equals(expected.bytes({ run, item: index })) };
							}),
						);
						expect(served).toEqual(Array(ITEMS).fill({ status: 200, mimeType: expected.mimeType, same: true }));
					}
				}

				// the key went to the API only
				expect(n8n.output()).not.toContain(API_KEY);
			}, 400000);
		});
	});
}
