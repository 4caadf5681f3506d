/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { API_KEY, startFakeCometApi, type FakeCometApi } from '../helpers/fake-cometapi';
import { fakeTasks, resetFakeMidjourney, taskImage } from '../helpers/fake-midjourney';
import { prepareExamples, type PreparedExample } from './examples';
import { expectSuccess, N8nInstance, NODE_TYPE, outputOf, workflow } from './n8n-instance';
import { describeRelease } from './releases';

/*
 * The Midjourney resource in real n8n against the fake API on loopback: Imagine → Action U1 → Get
 * Task, each image written to disk and compared byte for byte; and the Midjourney example.
 */

const CREDENTIAL = { id: 'cometApiMjCred01', name: 'CometAPI (fake API)' };
const EXAMPLE = 'midjourney-imagine-upscale-save.json';
const WAIT_EXAMPLE = 'midjourney-submit-wait-get-task.json';
const FAST = { pollInterval: 0.05 };

function midjourney(name: string, parameters: Record<string, unknown>) {
	return { name, type: NODE_TYPE, typeVersion: 1, parameters: { resource: 'midjourney', ...parameters, options: FAST }, credentials: { cometApi: CREDENTIAL } };
}

function writeFile(name: string, path: string) {
	return { name, type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, parameters: { operation: 'write', fileName: path, dataPropertyName: 'data', options: {} } };
}

export function midjourneySuite(version: string) {
	describeRelease(version, () => {
		let api: FakeCometApi;
		let n8n: N8nInstance;
		let example: PreparedExample;
		let waitExample: PreparedExample;
		const id = 'e2eMidjourney001';

		beforeAll(async () => {
			api = await startFakeCometApi();
			n8n = await N8nInstance.create(version);
			const out = join(n8n.filesDir, 'mj');
			mkdirSync(out);
			const examples = prepareExamples(n8n, api, CREDENTIAL);
			example = examples.find((prepared) => prepared.file === EXAMPLE)!;
			waitExample = examples.find((prepared) => prepared.file === WAIT_EXAMPLE)!;
			await n8n.importCredentials([{ ...CREDENTIAL, type: 'cometApi', data: { apiKey: API_KEY, baseUrl: api.baseUrl } }]);
			const chain = workflow(id, 'Midjourney: Imagine, Action U1, Get Task', [
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
				midjourney('Imagine', { operation: 'imagine', prompt: 'a red fox in the snow --ar 3:2 --v 7' }),
				writeFile('Write Grid', `=${out}/grid.{{ $binary.data.fileExtension }}`),
				midjourney('Upscale', { operation: 'action', taskId: "={{ $('Imagine').item.json.taskId }}", button: 'U1' }),
				writeFile('Write Upscale', `=${out}/upscale.{{ $binary.data.fileExtension }}`),
				midjourney('Get Task', { operation: 'getTask', taskId: "={{ $('Imagine').item.json.taskId }}" }),
				writeFile('Write Fetched', `=${out}/fetched.{{ $binary.data.fileExtension }}`),
			]);
			await n8n.importWorkflows([chain, example.workflow, waitExample.workflow]);
		}, 300000);

		afterAll(async () => {
			await api?.close();
			n8n?.cleanUp();
		});

		beforeEach(() => {
			api.reset();
			resetFakeMidjourney();
		});

		it('Imagine → Action U1 → Get Task: the images as binaries (bytes, MIME type), the key only to CometAPI', async () => {
			const run = await n8n.execute(id);
			expectSuccess(run);
			const [grid, upscale] = [...fakeTasks().values()];
			expect(fakeTasks().size).toBe(2); // Get Task submitted nothing
			const sequence = api.requests.map((r) => `${r.method} ${r.path}`);
			// the submissions; the looks are POSTs too (list-by-condition), and free
			expect(sequence.filter((line) => line.startsWith('POST /mj/submit/'))).toEqual(['POST /mj/submit/imagine', 'POST /mj/submit/action']);
			expect(sequence.filter((line) => line.startsWith('POST') && !line.startsWith('POST /mj/submit/')).every((line) => line === 'POST /mj/task/list-by-condition')).toBe(true);
			for (const request of api.requests) {
				expect(request.headers.authorization).toBe(request.path.startsWith('/mj/image/') ? undefined : `Bearer ${API_KEY}`);
			}
			const [imagined] = outputOf(run, 'Imagine');
			const [upscaled] = outputOf(run, 'Upscale');
			const [fetched] = outputOf(run, 'Get Task');
			expect(imagined.json).toMatchObject({ taskId: grid.id, action: 'IMAGINE', status: 'SUCCESS', prompt: 'a red fox in the snow --ar 3:2 --v 7' });
			expect((imagined.json.buttons as Array<{ label: string }>).map((b) => b.label)).toEqual(['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
			expect(upscaled.json).toMatchObject({ taskId: upscale.id, action: 'UPSCALE', status: 'SUCCESS' });
			expect(fetched.json).toMatchObject({ taskId: grid.id, status: 'SUCCESS' });
			expect(imagined.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'image_1.png' });
			expect(upscaled.binary?.data).toMatchObject({ mimeType: 'image/jpeg', fileName: 'image_1.jpeg' });
			expect(fetched.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'image_1.png' });
			const out = join(n8n.filesDir, 'mj');
			expect(readFileSync(join(out, 'grid.png'))).toEqual(taskImage(grid).data);
			expect(readFileSync(join(out, 'upscale.jpeg'))).toEqual(taskImage(upscale).data);
			expect(readFileSync(join(out, 'fetched.png'))).toEqual(taskImage(grid).data);
		});

		it(`examples/${EXAMPLE} runs`, async () => {
			await example.verify();
		});

		it(`examples/${WAIT_EXAMPLE} runs (its Wait shortened; parked in the database: queue-wait.ts)`, async () => {
			await waitExample.verify();
		});
	});
}
