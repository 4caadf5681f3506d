/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { FAKE_SVG } from '../helpers/fake-bria'; // registers the task APIs' routes on the fake CometAPI
import '../helpers/fake-gemini'; // registers POST /v1beta/models/{model}:generateContent on the fake API
import { flux } from '../helpers/fake-flux';
import { kling } from '../helpers/fake-kling';
import { replicate } from '../helpers/fake-replicate';
import { API_KEY, startFakeCometApi, type FakeCometApi } from '../helpers/fake-cometapi';
import { books, resultImage } from '../helpers/fake-tasks';
import { makeJpeg, makePng } from '../helpers/images';
import { prepareExamples, type PreparedExample } from './examples';
import { expectSuccess, N8nInstance, NODE_TYPE, outputOf, workflow, type Workflow } from './n8n-instance';
import { describeRelease } from './releases';

/*
 * The task APIs (Flux, Replicate-style, Kling, Bria) in real n8n: the packed package installed as a
 * community package, workflows executed headlessly against the fake task APIs on loopback: the
 * product-photo example (Bria → Flux Kontext → Write Files), Kling and Replicate-style runs whose
 * images are written to disk, and a Flux task submitted with Max Wait 0 that Get Task picks up.
 * And the December 2026 catalogue, on node version 2 (what a node added today is): gpt-image-2 at
 * 4K, Nano Banana 2 at 1:8 and 512, FLUX.2 with three reference images, Bria's SVG vectors, and
 * the Seedream example with its reference images.
 */

const EXAMPLE = 'product-photo-bria-background-flux-restyle.json';
const SEEDREAM_EXAMPLE = 'seedream-catalogue-from-product-photos.json';
const CREDENTIAL = { id: 'cometApiTasks001', name: 'CometAPI (fake task APIs)' };
const manual = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} };
const FAST = { pollInterval: 0.2 };

function cometApi(name: string, parameters: Record<string, unknown>) {
	return { name, type: NODE_TYPE, typeVersion: 1, parameters, credentials: { cometApi: CREDENTIAL } };
}

/** The node as a workflow made today has it: version 2 (request settings in Request Options). */
function cometApiV2(name: string, parameters: Record<string, unknown>) {
	return { ...cometApi(name, parameters), typeVersion: 2 };
}

/** Downloads a file into `field`, keeping the item's other binaries (HTTP Request does). */
function download(name: string, url: string, field: string) {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { url, options: { response: { response: { responseFormat: 'file', outputPropertyName: field } } } },
	};
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
		let seedreamExample: PreparedExample;
		const ids = {
			kling: 'e2eKlingTask0001',
			replicate: 'e2eReplicate0001',
			resume: 'e2eFluxResume001',
			trust: 'e2eTrustChecks01',
			gptImage4k: 'e2eGptImage24K01',
			nanoBanana: 'e2eNanoBanana201',
			flux2: 'e2eFlux2ThreeRef',
			vector: 'e2eBriaVector001',
		};
		// FLUX.2's three references, each its own format and shape, served by the image host
		const references = [
			{ field: 'front', name: 'refs/front.png', data: makePng(24, 16, 31), type: 'image/png' },
			{ field: 'side', name: 'refs/side.jpg', data: makeJpeg(16, 24, 32), type: 'image/jpeg' },
			{ field: 'back', name: 'refs/back.png', data: makePng(16, 16, 33), type: 'image/png' },
		];

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
			workflow(ids.gptImage4k, 'gpt-image-2 at 4K (3840x2160), written to disk', [
				manual,
				cometApiV2('Generate 4K', { resource: 'image', operation: 'generate', modelId: { __rl: true, mode: 'id', value: 'gpt-image-2' }, prompt: 'a harbour at dusk, wide shot', options: { size: '3840x2160' } }),
				writeFile('Write', `=${out}/catalogue/gpt-image-2.{{ $binary.data.fileExtension }}`),
			]),
			workflow(ids.nanoBanana, 'Nano Banana 2 at 1:8, image size 512, written to disk', [
				manual,
				cometApiV2('Nano Banana 2', { resource: 'gemini', operation: 'generateImage', modelId: { __rl: true, mode: 'id', value: 'gemini-3.1-flash-image' }, prompt: 'a tall bookmark with a heron', aspectRatio: '1:8', imageSize: '512' }),
				writeFile('Write', `=${out}/catalogue/nano-banana-2.{{ $binary.data.fileExtension }}`),
			]),
			workflow(ids.flux2, 'FLUX.2 pro with three reference images', [
				manual,
				...references.map((ref) => download(`Download ${ref.field}`, api.imageHost.publish(ref.name, ref.data, ref.type), ref.field)),
				cometApiV2('FLUX.2', {
					resource: 'flux',
					operation: 'generateImage',
					modelId: { __rl: true, mode: 'id', value: 'flux-2-pro' },
					prompt: 'the chair from the three photos in a sunlit loft',
					referenceImage: 'front, side, back',
					sizeMode: 'dimensions',
					width: 1024,
					height: 768,
					requestOptions: FAST,
				}),
			]),
			workflow(ids.vector, 'Bria Generate Vector: two SVGs written to disk', [
				manual,
				cometApiV2('Vector', { resource: 'bria', operation: 'generateVector', prompt: 'a flat icon of a paper plane', aspectRatio: '1:1', options: { numResults: 2 } }),
				writeFile('Write', `=${out}/vector/{{ $binary.data.fileName }}`),
			]),
		];

		beforeAll(async () => {
			api = await startFakeCometApi();
			n8n = await N8nInstance.create(version);
			for (const folder of ['kling', 'catalogue', 'vector']) mkdirSync(join(n8n.filesDir, folder));
			const examples = prepareExamples(n8n, api, CREDENTIAL);
			example = examples.find((prepared) => prepared.file === EXAMPLE)!;
			seedreamExample = examples.find((prepared) => prepared.file === SEEDREAM_EXAMPLE)!;
			await n8n.importCredentials([{ ...CREDENTIAL, type: 'cometApi', data: { apiKey: API_KEY, baseUrl: api.baseUrl } }]);
			await n8n.importWorkflows([...testWorkflows(n8n.filesDir), example.workflow, seedreamExample.workflow]);
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

		describe('the December 2026 catalogue', () => {
			it(`${SEEDREAM_EXAMPLE}: two downloaded photos → Seedream 4.5 with its reference images (2K) → Write Files`, async () => {
				await seedreamExample.verify();
			});

			it('gpt-image-2 at 4K: size 3840x2160 sent as it is, the PNG output and written', async () => {
				const run = await n8n.execute(ids.gptImage4k);
				expectSuccess(run);
				expect(sent(api)).toEqual(['POST /v1/images/generations']);
				// gpt-image-2 takes no input_fidelity and no response_format: only what was set
				expect(api.requests[0].json).toEqual({ model: 'gpt-image-2', prompt: 'a harbour at dusk, wide shot', size: '3840x2160' });
				const items = outputOf(run, 'Generate 4K');
				expect(items).toHaveLength(1);
				expect(items[0].binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'image_1.png', fileExtension: 'png' });
				expect(items[0].json).toMatchObject({ model: 'gpt-image-2', size: '3840x2160', imageCount: 1, usage: { output_tokens: 4160 } });
				// 12 input and 4,160 output tokens at gpt-image-2's $4 / $24 per million
				expect(items[0].json.cost).toMatchObject({ basis: 'tokens', model: 'gpt-image-2', usd: expect.closeTo(0.099888, 4) });
				expect(readFileSync(join(n8n.filesDir, 'catalogue', 'gpt-image-2.png'))).toEqual(makePng(8, 8, 1));
			});

			it('Nano Banana 2: aspectRatio 1:8 and imageSize 512 in generationConfig.imageConfig; the 1:8 PNG output and written', async () => {
				const run = await n8n.execute(ids.nanoBanana);
				expectSuccess(run);
				expect(sent(api)).toEqual(['POST /v1beta/models/gemini-3.1-flash-image:generateContent']);
				expect(api.requests[0].json).toEqual({
					contents: [{ role: 'user', parts: [{ text: 'a tall bookmark with a heron' }] }],
					generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '1:8', imageSize: '512' } },
				});
				// the thought image is left out (Include Thoughts off): one item, the final image
				const items = outputOf(run, 'Nano Banana 2');
				expect(items.map((item) => [item.binary?.data.mimeType, item.binary?.data.fileName, item.pairedItem])).toEqual([['image/png', 'image_1.png', { item: 0 }]]);
				expect(items[0].json).toMatchObject({ model: 'gemini-3.1-flash-image', aspectRatio: '1:8', imageSize: '512', text: 'Here is your image.', imageCount: 1 });
				// the fake draws the ratio's numbers as pixels: a 1x8 PNG reached the disk
				expect(readFileSync(join(n8n.filesDir, 'catalogue', 'nano-banana-2.png'))).toEqual(makePng(1, 8, 1));
			});

			it('FLUX.2 pro: three downloaded references sent as input_image, input_image_2, input_image_3 (raw base64, in order); the result downloaded', async () => {
				const run = await n8n.execute(ids.flux2);
				expectSuccess(run);
				const [task] = flux.tasks.values();
				expect(sent(api)).toEqual(['POST /flux/v1/flux-2-pro', `GET /flux/v1/get_result?id=${task.id}`, `GET /flux/v1/get_result?id=${task.id}`]);
				expect(api.requests[0].json).toEqual({
					prompt: 'the chair from the three photos in a sunlit loft',
					width: 1024,
					height: 768,
					input_image: references[0].data.toString('base64'),
					input_image_2: references[1].data.toString('base64'),
					input_image_3: references[2].data.toString('base64'),
				});
				const [item] = outputOf(run, 'FLUX.2');
				expect(outputOf(run, 'FLUX.2')).toHaveLength(1);
				expect(item.json).toMatchObject({ taskId: task.id, status: 'Ready', model: 'flux-2-pro', width: 1024, height: 768, referenceImage: 'front, side, back', referenceImageKey: 'input_image', imageCount: 1 });
				expect(item.binary?.data).toMatchObject({ mimeType: 'image/jpeg', fileName: 'image_1.jpeg', fileExtension: 'jpeg' });
				// the output item holds the result alone, not the references it was sent
				expect(Object.keys(item.binary ?? {})).toEqual(['data']);
				expect(item.pairedItem).toEqual({ item: 0 });
			});

			it('Bria Generate Vector: sync true sent; each SVG an image/svg+xml binary named .svg, written to disk as served', async () => {
				const run = await n8n.execute(ids.vector);
				expectSuccess(run);
				expect(sent(api)).toEqual(['POST /bria/text-to-vector']);
				expect(api.requests[0].json).toEqual({ prompt: 'a flat icon of a paper plane', num_results: 2, aspect_ratio: '1:1', sync: true });
				expect(api.imageHost.requests.map((r) => r.path)).toEqual([expect.stringMatching(/^\/bria\/\d+-1\.svg$/), expect.stringMatching(/^\/bria\/\d+-2\.svg$/)]);
				for (const request of api.imageHost.requests) expect(request.headers.authorization).toBeUndefined();
				const items = outputOf(run, 'Vector');
				expect(items.map((item) => [item.binary?.data.mimeType, item.binary?.data.fileName, item.binary?.data.fileExtension, item.json.imageIndex, item.pairedItem])).toEqual([
					['image/svg+xml', 'image_1.svg', 'svg', 1, { item: 0 }],
					['image/svg+xml', 'image_2.svg', 'svg', 2, { item: 0 }],
				]);
				expect(items[0].json).toMatchObject({ prompt: 'a flat icon of a paper plane', aspectRatio: '1:1', format: 'svg', imageCount: 2 });
				const folder = join(n8n.filesDir, 'vector');
				expect(readdirSync(folder).sort()).toEqual(['image_1.svg', 'image_2.svg']);
				for (const file of readdirSync(folder)) expect(readFileSync(join(folder, file), 'utf8')).toBe(FAKE_SVG);
			});
		});
	});
}
