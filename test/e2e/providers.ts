/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import '../helpers/fake-bria'; // registers the task APIs' routes on the fake CometAPI
import { flux } from '../helpers/fake-flux';
import { kling } from '../helpers/fake-kling';
import { replicate } from '../helpers/fake-replicate';
import { API_KEY, startFakeCometApi, type FakeCometApi } from '../helpers/fake-cometapi';
import { books, resultImage } from '../helpers/fake-tasks';
import { prepareExamples, type PreparedExample } from './examples';
import { expectSuccess, N8nInstance, NODE_TYPE, outputOf, workflow, type Workflow } from './n8n-instance';
import { describeRelease } from './releases';

/*
 * The task APIs (Flux, Replicate-style, Kling, Bria) in real n8n: the packed package installed as a
 * community package, workflows executed headlessly against the fake task APIs on loopback: the
 * product-photo example (Bria → Flux Kontext → Write Files), Kling and Replicate-style runs whose
 * images are written to disk, and a Flux task submitted with Max Wait 0 that Get Task picks up.
 */

const EXAMPLE = 'product-photo-bria-background-flux-restyle.json';
const CREDENTIAL = { id: 'cometApiTasks001', name: 'CometAPI (fake task APIs)' };
const manual = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} };
const FAST = { pollInterval: 0.2 };

function cometApi(name: string, parameters: Record<string, unknown>) {
	return { name, type: NODE_TYPE, typeVersion: 1, parameters, credentials: { cometApi: CREDENTIAL } };
}

function writeFile(name: string, fileName: string) {
	return { name, type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, parameters: { operation: 'write', fileName, dataPropertyName: 'data', options: {} } };
}

const sent = (api: FakeCometApi) => api.requests.map((r) => `${r.method} ${r.path}${r.query?.id ? `?id=${r.query.id}` : ''}`);

export function providersSuite(version: string) {
	describeRelease(version, () => {
		let api: FakeCometApi;
		let n8n: N8nInstance;
		let example: PreparedExample;
		const ids = { kling: 'e2eKlingTask0001', replicate: 'e2eReplicate0001', resume: 'e2eFluxResume001', trust: 'e2eTrustChecks01' };

		const testWorkflows = (out: string): Workflow[] => [
			workflow(ids.kling, 'Kling: three images, written to disk', [
				manual,
				cometApi('Kling', { resource: 'kling', operation: 'generateImage', prompt: 'a paper lantern festival', aspectRatio: '16:9', options: { n: 3, ...FAST } }),
				writeFile('Write', `=${out}/kling/{{ $json.imageIndex }}.{{ $binary.data.fileExtension }}`),
			]),
			workflow(ids.replicate, 'Replicate-style: flux-schnell with two outputs', [
				manual,
				cometApi('Replicate', { resource: 'replicate', operation: 'createPrediction', replicateModel: 'black-forest-labs/flux-schnell', input: '{"prompt": "a red chair", "num_outputs": 2}', options: FAST }),
			]),
			workflow(ids.resume, 'Flux: submit with Max Wait 0, then Get Task', [
				manual,
				cometApi('Submit', { resource: 'flux', operation: 'generateImage', modelId: { __rl: true, mode: 'list', value: 'flux-pro-1.1' }, prompt: 'a lighthouse', options: { maxWait: 0 } }),
				cometApi('Get Task', { resource: 'flux', operation: 'getTask', taskId: '={{ $json.taskId }}', options: FAST }),
			]),
			// each node goes on with its error item (On Error → Continue), so one execution checks all three
			workflow(ids.trust, 'Trust: redirects to another origin, a submission that outruns Timeout', [
				manual,
				{ ...cometApi('Redirected POST', { resource: 'image', operation: 'generate', prompt: 'a lighthouse' }), onError: 'continueRegularOutput' },
				{ ...cometApi('Redirected GET', { resource: 'flux', operation: 'getTask', taskId: 'task-1', options: { maxWait: 0 } }), onError: 'continueRegularOutput' },
				{
					...cometApi('Slow Submission', { resource: 'flux', operation: 'generateImage', modelId: { __rl: true, mode: 'list', value: 'flux-pro-1.1' }, prompt: 'a lighthouse', options: { timeout: 1 } }),
					onError: 'continueRegularOutput',
				},
			]),
		];

		beforeAll(async () => {
			api = await startFakeCometApi();
			n8n = await N8nInstance.create(version);
			mkdirSync(join(n8n.filesDir, 'kling'));
			example = prepareExamples(n8n, api, CREDENTIAL).find((prepared) => prepared.file === EXAMPLE)!;
			await n8n.importCredentials([{ ...CREDENTIAL, type: 'cometApi', data: { apiKey: API_KEY, baseUrl: api.baseUrl } }]);
			await n8n.importWorkflows([...testWorkflows(n8n.filesDir), example.workflow]);
		}, 300000);

		afterAll(async () => {
			// cleanUp is async (it stops the n8n server): awaited, as in suite.ts, before the fake API closes
			await n8n?.cleanUp();
			await api?.close();
		});

		beforeEach(() => {
			api.reset();
			books.forEach((book) => book.reset());
		});

		it(`${EXAMPLE}: product photo → Bria Replace Background → Flux Kontext restyle → Write Files`, async () => {
			await example.verify();
			for (const request of api.requests) expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
		});

		it('Kling: one submission, polls until succeed, every image downloaded and written', async () => {
			const run = await n8n.execute(ids.kling);
			expectSuccess(run);
			const [task] = kling.tasks.values();
			expect(sent(api)).toEqual(['POST /kling/v1/images/generations', ...Array(3).fill(`GET /kling/v1/images/generations/${task.id}`)]);
			expect(api.requests[0].json).toEqual({ model_name: 'kling-v3', prompt: 'a paper lantern festival', aspect_ratio: '16:9', n: 3 });
			const items = outputOf(run, 'Kling');
			expect(items.map((item) => [item.json.imageIndex, item.json.taskId, item.pairedItem])).toEqual([1, 2, 3].map((index) => [index, task.id, { item: 0 }]));
			const folder = join(n8n.filesDir, 'kling');
			expect(readdirSync(folder).sort()).toEqual(['1.png', '2.png', '3.png']);
			for (const index of [0, 1, 2]) expect(readFileSync(join(folder, `${index + 1}.png`))).toEqual(resultImage(index));
		});

		it('Replicate-style: {input} sent once, the prediction polled until succeeded, its list of URLs downloaded', async () => {
			const run = await n8n.execute(ids.replicate);
			expectSuccess(run);
			const [task] = replicate.tasks.values();
			expect(sent(api)).toEqual(['POST /replicate/v1/models/black-forest-labs/flux-schnell/predictions', ...Array(3).fill(`GET /replicate/v1/predictions/${task.id}`)]);
			expect(api.requests[0].json).toEqual({ input: { prompt: 'a red chair', num_outputs: 2 } });
			const items = outputOf(run, 'Replicate');
			expect(items.map((item) => [item.binary?.data.mimeType, item.json.status])).toEqual([['image/png', 'succeeded'], ['image/png', 'succeeded']]);
			expect((items[0].json.task as { metrics: unknown }).metrics).toEqual({ image_count: 2, predict_time: 8.9 });
		});

		it('the key stays on the Base URL’s origin through redirects (POST and GET); a submission past Timeout is named a timeout, billed unknown', async () => {
			const elsewhere = `${api.imageHost.origin}/elsewhere`;
			api.override((request) => {
				if (request.path === '/v1/images/generations') return { status: 302, headers: { location: elsewhere } };
				if (request.path === '/flux/v1/get_result') return { status: 307, headers: { location: elsewhere } };
				if (request.path === '/flux/v1/flux-pro-1.1') return { delayMs: 3000, json: { id: 'late' } };
				return undefined;
			});
			const run = await n8n.execute(ids.trust);
			expect(api.imageHost.requests).toEqual([]);
			const origin = new URL(api.baseUrl).origin;
			const redirected = `CometAPI redirected the request to another origin (${api.imageHost.origin}); it was not followed, so the API key stays with ${origin}`;
			expect(outputOf(run, 'Redirected POST')[0].json).toMatchObject({ error: redirected, billed: 'no', retrySafe: true, reason: 'redirect' });
			expect(outputOf(run, 'Redirected GET')[0].json).toMatchObject({ error: redirected, billed: 'no', reason: 'redirect', taskId: 'task-1' });
			expect(outputOf(run, 'Slow Submission')[0].json).toMatchObject({
				error: 'CometAPI did not answer within 1 s (the Timeout option)',
				billed: 'unknown',
				retrySafe: false,
				reason: 'timeout',
			});
			expect(`${run.output}${run.stored}`).not.toContain(API_KEY);
		});

		it('Flux: Max Wait 0 outputs the task ID at once; Get Task resumes it and downloads its image', async () => {
			const run = await n8n.execute(ids.resume);
			expectSuccess(run);
			const [task] = flux.tasks.values();
			expect(sent(api)).toEqual(['POST /flux/v1/flux-pro-1.1', `GET /flux/v1/get_result?id=${task.id}`, `GET /flux/v1/get_result?id=${task.id}`]);
			expect(outputOf(run, 'Submit')[0].json).toMatchObject({ taskId: task.id, status: 'Pending', imageCount: 0 });
			const [resumed] = outputOf(run, 'Get Task');
			expect(resumed.json).toMatchObject({ taskId: task.id, status: 'Ready', imageCount: 1 });
			expect(resumed.binary?.data).toMatchObject({ mimeType: 'image/jpeg', fileExtension: 'jpeg' });
		});
	});
}
