/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as n8nLib from '../../scripts/lib/n8n';
import { API_KEY, startFakeCometApi, type FakeCometApi } from '../helpers/fake-cometapi';
import { fakeTasks, planFakeMidjourney, resetFakeMidjourney, taskImage } from '../helpers/fake-midjourney';
import { NODE_TYPE, workflow, type Workflow } from './n8n-instance';
import { http, startQueueCluster, stopQueueClusters, type QueueCluster } from './queue';
import { describeRelease } from './releases';

/*
 * Long waits that hold no worker, in queue mode for real: one worker of concurrency 1. The example
 * examples/midjourney-submit-wait-get-task.json (its trigger a production Webhook, its Wait 70 s, so
 * n8n parks the execution in the database) submits with Max Wait 0 and waits; meanwhile a second
 * execution runs on that same worker and ends; then the first resumes and ends with its image.
 */

const CREDENTIAL_NAME = 'CometAPI (fake API)';
const EXAMPLE = join(n8nLib.ROOT, 'examples', 'midjourney-submit-wait-get-task.json');
const WAIT_SECONDS = 70;

/** The example, started by a production webhook, its Wait long enough that n8n parks the execution. */
function exampleOnWebhook(credential: { id: string; name: string }, path: string): Workflow {
	const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Workflow;
	for (const node of example.nodes) {
		if (node.type === 'n8n-nodes-base.manualTrigger') {
			// same name: the connections stay as they are
			Object.assign(node, { type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} } });
		}
		if (node.name === 'Wait') node.parameters = { amount: WAIT_SECONDS, unit: 'seconds' };
		if (node.type === NODE_TYPE) {
			node.credentials = { cometApi: credential };
			node.parameters = { ...node.parameters, options: { ...(node.parameters.options as object), pollInterval: 0.1 } };
		}
	}
	return { ...example, id: 'queueWaitExampl1', name: 'Queue mode: submit, Wait (parked), Get Task' };
}

/** A second, quick execution: Imagine waiting for its task in the node. */
function quickImagine(credential: { id: string; name: string }, path: string): Workflow {
	return workflow('queueWaitQuick01', 'Queue mode: a quick Imagine', [
		{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} } },
		{
			name: 'Imagine',
			type: NODE_TYPE,
			typeVersion: 1,
			parameters: { resource: 'midjourney', operation: 'imagine', prompt: 'a quick sketch of a fox', options: { pollInterval: 0.1 } },
			credentials: { cometApi: credential },
		},
	]);
}

export function queueWaitSuite(version: string) {
	describeRelease(version, () => {
		describe('queue mode, one worker of concurrency 1: a long wait parks in the database', () => {
			let api: FakeCometApi;
			let cluster: QueueCluster | undefined;

			beforeAll(async () => {
				api = await startFakeCometApi();
				cluster = await startQueueCluster(version, { workers: 1, concurrency: 1 });
			}, 900000);

			afterAll(async () => {
				resetFakeMidjourney();
				await stopQueueClusters();
				await api?.close();
			}, 120000);

			it(`submit (Max Wait 0) → Wait ${WAIT_SECONDS} s → Get Task frees the worker: a second execution runs meanwhile, the first ends with its image`, async () => {
				const n8n = cluster!;
				resetFakeMidjourney();
				planFakeMidjourney(() => ({ durationMs: 1500 }));
				const credentialId = await n8n.createCredential(CREDENTIAL_NAME, 'cometApi', { apiKey: API_KEY, baseUrl: api.baseUrl });
				const credential = { id: credentialId, name: CREDENTIAL_NAME };
				const longId = await n8n.activateWorkflow(exampleOnWebhook(credential, 'cometapi-long-wait'));
				const quickId = await n8n.activateWorkflow(quickImagine(credential, 'cometapi-quick'));
				const statusOf = async (workflowId: string) => {
					const filter = encodeURIComponent(JSON.stringify({ workflowId }));
					const answer = await n8n.rest('GET', `/rest/executions?filter=${filter}&limit=10`);
					return ((answer.body as { data?: { results?: Array<{ id: string; status: string }> } }).data?.results ?? [])[0];
				};

				const long = await http(`${n8n.url}/webhook/cometapi-long-wait`, 'POST', { 'content-type': 'application/json' }, '{}');
				expect(long.status).toBe(200);
				// the first execution submits its task and parks at the Wait
				let parked: { id: string; status: string } | undefined;
				for (let attempt = 0; attempt < 240 && parked?.status !== 'waiting'; attempt++) {
					await new Promise((resolve) => setTimeout(resolve, 250));
					parked = await statusOf(longId);
				}
				expect(parked?.status).toBe('waiting');
				expect([...fakeTasks().values()]).toHaveLength(1);

				// the only worker slot is free: a second execution runs and ends while the first one waits
				const quick = await http(`${n8n.url}/webhook/cometapi-quick`, 'POST', { 'content-type': 'application/json' }, '{}');
				expect(quick.status).toBe(200);
				const [second] = await n8n.waitForExecutions(quickId, 1, 60000);
				expect(second.status).toBe('success');
				expect(second.runData.Imagine[0].data?.main[0][0].json).toMatchObject({ status: 'SUCCESS' });
				expect((await statusOf(longId))?.status).toBe('waiting');

				// after the Wait, the first resumes on the worker and ends with its image; its task was submitted once
				const [first] = await n8n.waitForExecutions(longId, 1, (WAIT_SECONDS + 120) * 1000);
				expect([first.status, first.error?.message]).toEqual(['success', undefined]);
				const [task] = [...fakeTasks().values()];
				const submitted = first.runData['Submit Imagine'][0].data?.main[0][0];
				expect(submitted?.json).toMatchObject({ taskId: task.id, imageCount: 0 });
				const [fetched] = first.runData['Get Task'][0].data?.main[0] ?? [];
				expect(fetched.json).toMatchObject({ taskId: task.id, status: 'SUCCESS' });
				const binary = fetched.binary?.data;
				expect(binary).toMatchObject({ mimeType: 'image/png', id: expect.stringMatching(/^database:/) });
				const served = await n8n.binary(binary!.id!);
				expect(served.data.equals(taskImage(task).data)).toBe(true);
				expect(api.requests.filter((request) => request.path === '/mj/submit/imagine')).toHaveLength(2);
				expect(Date.parse(second.stoppedAt)).toBeLessThan(Date.parse(first.stoppedAt));
				// both ran on the one worker
				expect(n8n.workers).toHaveLength(1);
				expect(n8n.workers[0].executionIds()).toEqual(expect.arrayContaining([first.id, second.id]));
			}, 600000);
		});
	});
}
