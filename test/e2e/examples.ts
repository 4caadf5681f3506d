/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as n8nLib from '../../scripts/lib/n8n';
import { bria } from '../helpers/fake-bria';
import type { FakeCometApi } from '../helpers/fake-cometapi';
import { flux } from '../helpers/fake-flux';
import { resultImage } from '../helpers/fake-tasks';
import { parseMultipart } from '../helpers/fake-edits';
import { fakeTasks, taskImage } from '../helpers/fake-midjourney';
import { makeJpeg, makePng } from '../helpers/images';
import { expectSuccess, NODE_TYPE, outputOf, type Execution, type N8nInstance, type Workflow, type WorkflowNode } from './n8n-instance';

/*
 * Every workflow in examples/ as the e2e runs it: the CometAPI nodes given the e2e credential, the
 * folders and URLs in the example's Settings node pointed at the test's files folder and the fake
 * image host, a Schedule Trigger swapped for a Manual Trigger (the e2e starts manual runs from
 * one). The form example runs for real: published, served by `n8n start`, filled in over HTTP.
 */

const EXAMPLES_DIR = join(n8nLib.ROOT, 'examples');

interface ExampleContext {
	api: FakeCometApi;
	n8n: N8nInstance;
	workflow: Workflow;
	/** A folder for this example inside the only folder n8n may read and write. */
	folder: string;
}

interface ExampleSpec {
	/** Adapt the imported copy (Settings values, test inputs). */
	prepare?(context: ExampleContext): void;
	/** Runs the example and checks what it did; by default a manual run on the server and then `check`. */
	verify?(context: ExampleContext): Promise<void>;
	check?(run: Execution, context: ExampleContext): void | Promise<void>;
}

export interface PreparedExample {
	file: string;
	workflow: Workflow;
	verify(): Promise<void>;
}

function node(workflow: Workflow, name: string): WorkflowNode {
	const found = workflow.nodes.find((n) => n.name === name);
	if (!found) throw new Error(`${workflow.name}: no node "${name}"`);
	return found;
}

/** Changes values in the example's "Settings" node (a Set node in JSON mode). */
function setSettings(workflow: Workflow, values: Record<string, unknown>) {
	const settings = node(workflow, 'Settings');
	const current = JSON.parse(String(settings.parameters.jsonOutput)) as Record<string, unknown>;
	settings.parameters.jsonOutput = JSON.stringify({ ...current, ...values }, null, 2);
}

function settingsOf(workflow: Workflow): Record<string, unknown> {
	return JSON.parse(String(node(workflow, 'Settings').parameters.jsonOutput)) as Record<string, unknown>;
}

export const sortByPrompt = <T>(list: T[]) =>
	[...list].sort((a, b) => String((a as { prompt?: string }).prompt).localeCompare(String((b as { prompt?: string }).prompt)));

const isPng = (data: Buffer) => data.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));

const SPECS: Record<string, ExampleSpec> = {
	'generate-images-from-prompt-list.json': {
		prepare({ workflow, folder }) {
			setSettings(workflow, { outputFolder: folder });
		},
		check(run, { api, folder, workflow }) {
			const prompts = (settingsOf(workflow).prompts as string[]).slice().sort();
			expect(prompts).toHaveLength(3);
			// items run in parallel, so requests arrive in any order
			expect(sortByPrompt(api.requests.map((r) => r.json))).toEqual(
				prompts.map((prompt) => ({ model: 'gpt-image-1', prompt, size: '1024x1024', quality: 'medium' })),
			);
			const items = outputOf(run, 'Write Image Files');
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(readdirSync(folder).sort()).toEqual([
				'a-cozy-reading-nook-with-a-cat-warm-lamp-light-1.png',
				'a-paper-boat-on-calm-water-soft-morning-light-1.png',
				'a-watercolor-lighthouse-on-a-cliff-at-dawn-1.png',
			]);
			for (const file of readdirSync(folder)) expect(isPng(readFileSync(join(folder, file)))).toBe(true);
		},
	},

	'edit-folder-on-schedule.json': {
		prepare({ workflow, folder }) {
			mkdirSync(join(folder, 'inbox'));
			mkdirSync(join(folder, 'edited'));
			writeFileSync(join(folder, 'inbox', 'chair.png'), makePng(16, 16, 3));
			writeFileSync(join(folder, 'inbox', 'lamp.jpg'), makeJpeg(16, 16, 4));
			writeFileSync(join(folder, 'inbox', 'notes.txt'), 'not an image');
			setSettings(workflow, { inputFolder: join(folder, 'inbox'), outputFolder: join(folder, 'edited') });
		},
		async check(run, { api, folder, workflow }) {
			const { prompt } = settingsOf(workflow);
			expect(api.requests.map((r) => r.path)).toEqual(['/v1/images/edits', '/v1/images/edits']);
			const forms = await Promise.all(api.requests.map(async (request) => await parseMultipart(request)));
			const sent = forms
				.map((form) => {
					expect(Object.fromEntries(form.fields)).toEqual({ model: 'gpt-image-1', prompt, output_format: 'png', quality: 'medium' });
					return form.files.map(({ field, fileName, mimeType, data }) => ({ field, fileName, mimeType, data }));
				})
				.sort((a, b) => a[0].fileName.localeCompare(b[0].fileName));
			expect(sent).toEqual([
				[{ field: 'image', fileName: 'chair.png', mimeType: 'image/png', data: makePng(16, 16, 3) }],
				[{ field: 'image', fileName: 'lamp.jpg', mimeType: 'image/jpeg', data: makeJpeg(16, 16, 4) }],
			]);
			expect(outputOf(run, 'Edit Image')).toHaveLength(2);
			expect(readdirSync(join(folder, 'edited')).sort()).toEqual(['chair-edited.png', 'lamp-edited.png']);
			for (const file of ['chair-edited.png', 'lamp-edited.png']) {
				expect(readFileSync(join(folder, 'edited', file))).toEqual(makePng(8, 8, 1));
			}
		},
	},

	'chat-image-with-reference.json': {
		prepare({ workflow, folder, api }) {
			const reference = api.imageHost.publish('photos/cat.jpg', makeJpeg(16, 16, 7), 'image/jpeg');
			setSettings(workflow, { referenceImageUrl: reference, outputFolder: folder });
		},
		check(run, { api, folder, workflow }) {
			const { prompt } = settingsOf(workflow);
			expect(api.requests.map((r) => r.path)).toEqual(['/v1/chat/completions']);
			expect(api.requests[0].json).toMatchObject({
				model: 'gpt-4o-image',
				messages: [
					{
						role: 'user',
						content: [
							{ type: 'text', text: prompt },
							{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${makeJpeg(16, 16, 7).toString('base64')}` } },
						],
					},
				],
			});
			const [item] = outputOf(run, 'Chat Image');
			expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'image_1.png' });
			expect(item.json).toMatchObject({ model: 'gpt-4o-image', prompt, text: expect.stringContaining('Generation complete') });
			const written = readdirSync(folder);
			expect(written).toEqual([expect.stringMatching(/^chat-\d+-1\.png$/)]);
			expect(readFileSync(join(folder, written[0]))).toEqual(makePng(8, 8, 1));
		},
	},

	'gemini-banner-from-product-and-style.json': {
		prepare({ workflow, folder, api }) {
			const productPhotoUrl = api.imageHost.publish('photos/lamp.png', makePng(24, 16, 11), 'image/png');
			const styleReferenceUrl = api.imageHost.publish('photos/style.jpg', makeJpeg(16, 16, 12), 'image/jpeg');
			setSettings(workflow, { productPhotoUrl, styleReferenceUrl, outputFolder: folder });
		},
		check(run, { api, folder, workflow }) {
			const { prompt } = settingsOf(workflow);
			expect(api.requests.map((r) => r.path)).toEqual(['/v1beta/models/gemini-3.1-flash-image:generateContent']);
			expect(api.requests[0].json).toEqual({
				contents: [
					{
						role: 'user',
						parts: [
							{ text: prompt },
							{ inlineData: { mimeType: 'image/png', data: makePng(24, 16, 11).toString('base64') } },
							{ inlineData: { mimeType: 'image/jpeg', data: makeJpeg(16, 16, 12).toString('base64') } },
						],
					},
				],
				generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '2K' } },
			});
			const [item] = outputOf(run, 'Generate Banner');
			expect(outputOf(run, 'Generate Banner')).toHaveLength(1);
			expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'image_1.png' });
			expect(item.json).toMatchObject({ model: 'gemini-3.1-flash-image', aspectRatio: '16:9', imageSize: '2K', text: 'Here is your image.' });
			const written = readdirSync(folder);
			expect(written).toEqual([expect.stringMatching(/^banner-\d+-1\.png$/)]);
			// the fake draws the aspect ratio's numbers as pixels: a 16x9 PNG
			expect(readFileSync(join(folder, written[0]))).toEqual(makePng(16, 9, 1));
		},
	},

	'seedream-catalogue-from-product-photos.json': {
		prepare({ workflow, folder, api }) {
			const mugPhotoUrl = api.imageHost.publish('photos/mug.png', makePng(24, 16, 13), 'image/png');
			const lampPhotoUrl = api.imageHost.publish('photos/lamp.jpg', makeJpeg(16, 24, 14), 'image/jpeg');
			setSettings(workflow, { mugPhotoUrl, lampPhotoUrl, outputFolder: folder });
		},
		check(run, { api, folder, workflow }) {
			const { prompt } = settingsOf(workflow);
			const generations = api.requests.filter((r) => r.path === '/v1/images/generations');
			expect(generations).toHaveLength(1);
			// the two product photos as Seedream's image list of lowercase data URIs; the watermark off, sent as false
			expect(generations[0].json).toEqual({
				model: 'doubao-seedream-4-5-251128',
				prompt,
				size: '2K',
				image: [`data:image/png;base64,${makePng(24, 16, 13).toString('base64')}`, `data:image/jpeg;base64,${makeJpeg(16, 24, 14).toString('base64')}`],
				watermark: false,
			});
			const items = outputOf(run, 'Generate Catalogue Scene');
			expect(items).toHaveLength(1);
			expect(items[0].json).toMatchObject({ model: 'doubao-seedream-4-5-251128', referenceImages: ['mug', 'lamp'], usage: { generated_images: 1 } });
			expect(readdirSync(folder)).toEqual([expect.stringMatching(/^scene-\d+-1\.png$/)]);
		},
	},

	'midjourney-imagine-upscale-save.json': {
		prepare({ workflow, folder }) {
			setSettings(workflow, { outputFolder: folder });
		},
		check(run, { api, folder, workflow }) {
			const { prompt } = settingsOf(workflow);
			// Imagine, its polls (list-by-condition) and grid; then U1 by the customId from Imagine's JSON (no look first), its polls and upscale
			const sequence = api.requests.map((r) => `${r.method} ${r.path.replace(/\/\d{10,}(?=\/|$)/, '/{id}')}`);
			const polls = (from: number) => sequence.slice(from).findIndex((line) => !line.endsWith('/fetch') && !line.endsWith('/list-by-condition'));
			const gridAt = 1 + polls(1);
			expect(sequence.slice(0, 2)).toEqual(['POST /mj/submit/imagine', 'POST /mj/task/list-by-condition']);
			expect(sequence.slice(gridAt, gridAt + 2)).toEqual(['GET /mj/image/{id}', 'POST /mj/submit/action']);
			expect(sequence.slice(gridAt + 2 + polls(gridAt + 2))).toEqual(['GET /mj/image/{id}']);
			expect(api.requests[0].json).toEqual({ prompt, botType: 'MID_JOURNEY' });
			const [grid, upscale] = [...fakeTasks().values()].slice(-2);
			expect(api.requests[gridAt + 1].json).toEqual({ taskId: grid.id, customId: expect.stringMatching(/^MJ::JOB::upsample::1::/) });
			const [item] = outputOf(run, 'Upscale U1');
			expect(item.json).toMatchObject({ taskId: upscale.id, action: 'UPSCALE', status: 'SUCCESS' });
			expect(item.binary?.data).toMatchObject({ mimeType: 'image/jpeg', fileName: 'image_1.jpeg' });
			expect(readdirSync(folder)).toEqual([`midjourney-${upscale.id}.jpeg`]);
			expect(readFileSync(join(folder, `midjourney-${upscale.id}.jpeg`))).toEqual(taskImage(upscale).data);
		},
	},

	'midjourney-submit-wait-get-task.json': {
		prepare({ workflow }) {
			// a short Wait runs in the process (n8n parks only waits over 65 s): the queue-mode e2e runs the parked one (queue-wait.ts)
			node(workflow, 'Wait').parameters = { amount: 1, unit: 'seconds' };
		},
		check(run, { api }) {
			const [submitted] = outputOf(run, 'Submit Imagine');
			const [fetched] = outputOf(run, 'Get Task');
			const [task] = [...fakeTasks().values()].slice(-1);
			// Max Wait 0: out at once with its task ID and no image; Get Task after the Wait: the image, nothing submitted again
			expect(submitted.json).toMatchObject({ taskId: task.id, imageCount: 0 });
			expect(submitted.binary).toBeUndefined();
			expect(fetched.json).toMatchObject({ taskId: task.id, status: 'SUCCESS' });
			expect(fetched.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'image_1.png' });
			expect(api.requests.filter((r) => r.path.startsWith('/mj/submit/'))).toHaveLength(1);
		},
	},

	'product-photo-bria-background-flux-restyle.json': {
		prepare({ workflow, folder, api }) {
			const productPhotoUrl = api.imageHost.publish('photos/cup.jpg', makeJpeg(24, 16, 21), 'image/jpeg');
			setSettings(workflow, { productPhotoUrl, outputFolder: folder });
		},
		check(run, { api, folder, workflow }) {
			const { backgroundPrompt, restylePrompt } = settingsOf(workflow);
			const [edit] = bria.tasks.values();
			const [restyle] = flux.tasks.values();
			// each task submitted once and polled until it ended (default Poll Interval), below the host root
			expect(api.requests.map((r) => `${r.method} ${r.path}${r.query?.id ? `?id=${r.query.id}` : ''}`)).toEqual([
				'POST /bria/image/edit/replace_background',
				`GET /bria/${edit.id}`,
				`GET /bria/${edit.id}`,
				'POST /flux/v1/flux-kontext-pro',
				`GET /flux/v1/get_result?id=${restyle.id}`,
				`GET /flux/v1/get_result?id=${restyle.id}`,
			]);
			// Bria got the downloaded photo as a data URI; Flux got Bria's result as bare base64
			expect(api.requests[0].json).toEqual({ image: `data:image/jpeg;base64,${makeJpeg(24, 16, 21).toString('base64')}`, prompt: backgroundPrompt });
			expect(api.requests[3].json).toEqual({ prompt: restylePrompt, aspect_ratio: '4:3', output_format: 'png', input_image: edit.images[0].toString('base64') });
			expect(outputOf(run, 'Replace Background')[0].json).toMatchObject({ action: 'replace_background', taskId: edit.id, status: 'COMPLETED' });
			const [item] = outputOf(run, 'Restyle');
			expect(item.json).toMatchObject({ model: 'flux-kontext-pro', taskId: restyle.id, status: 'Ready', aspect_ratio: '4:3' });
			expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'image_1.png' });
			const written = readdirSync(folder);
			expect(written).toEqual([expect.stringMatching(/^product-\d+-1\.png$/)]);
			expect(readFileSync(join(folder, written[0]))).toEqual(resultImage(0, 'png'));
		},
	},

	'form-upload-edit-respond.json': {
		async verify({ api, n8n, workflow }) {
			// a running server would not notice the CLI publishing: it activates published workflows when it starts
			await n8n.stopServer();
			const published = await n8n.cli(['publish:workflow', `--id=${workflow.id}`]);
			expect(published.exitCode).toBe(0);
			const photo = makeJpeg(16, 16, 9);
			const instructions = 'Make it look like a watercolor painting';
			await n8n.withServer(async (server) => {
				const formUrl = `${server.url}/form/${String(node(workflow, 'Photo Form').webhookId)}`;
				// n8n activates published workflows in the background after it starts listening
				let page = await fetch(formUrl);
				for (let attempt = 0; page.status === 404 && attempt < 120; attempt++) {
					await new Promise((resolve) => setTimeout(resolve, 250));
					page = await fetch(formUrl);
				}
				expect(page.status).toBe(200);
				expect(await page.text()).toContain('Edit a photo');

				// what the browser sends: the fields as field-0, field-1…
				const form = new FormData();
				form.append('field-0', new Blob([photo], { type: 'image/jpeg' }), 'holiday.jpg');
				form.append('field-1', instructions);
				const submitted = await fetch(formUrl, { method: 'POST', body: form });
				expect(submitted.status).toBe(200);
				const { formWaitingUrl } = (await submitted.json()) as { formWaitingUrl: string };

				// the form page polls until the workflow reaches the Form Ending, then shows it
				let status = '';
				for (let attempt = 0; attempt < 120 && status !== 'form-waiting'; attempt++) {
					if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250));
					status = await (await fetch(`${formWaitingUrl}/n8n-execution-status`)).text();
					expect(['new', 'running', 'waiting', 'form-waiting']).toContain(status);
				}
				const completion = await fetch(formWaitingUrl);
				expect(completion.status).toBe(200);
				const html = await completion.text();
				expect(html).toContain('Your edited photo');
				// the page's script downloads the file it carries (n8n 2.8: one file; later: a list of files)
				const encoded = /const binar(?:y|ies) = "([^"]+)"/.exec(html)?.[1];
				expect(encoded).toBeDefined();
				type FormFile = { data: { type: string; data: number[] }; fileName: string; type: string };
				const files = JSON.parse(decodeURIComponent(encoded!)) as FormFile | FormFile[];
				const binary = Array.isArray(files) ? files[0] : files;
				if (Array.isArray(files)) expect(files).toHaveLength(1);
				expect({ fileName: binary.fileName, type: binary.type }).toEqual({ fileName: 'image_1.png', type: 'image/png' });
				expect(Buffer.from(binary.data.data)).toEqual(makePng(8, 8, 1));
			});

			// Edit Image got the uploaded file from the form's Photo field, and its Instructions
			expect(api.requests.map((r) => r.path)).toEqual(['/v1/images/edits']);
			const sent = await parseMultipart(api.requests[0]);
			expect(sent.files.map(({ field, fileName, mimeType, data }) => ({ field, fileName, mimeType, data }))).toEqual([
				{ field: 'image', fileName: 'holiday.jpg', mimeType: 'image/jpeg', data: photo },
			]);
			expect(Object.fromEntries(sent.fields)).toEqual({ model: 'gpt-image-1', prompt: instructions, output_format: 'png' });
		},
	},
};

/** Reads every example and makes its e2e copy; ids are e2eExample000001… in file name order. */
export function prepareExamples(n8n: N8nInstance, api: FakeCometApi, credential: { id: string; name: string }): PreparedExample[] {
	const files = readdirSync(EXAMPLES_DIR).filter((file) => file.endsWith('.json')).sort();
	return files.map((file, index) => {
		const workflow = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Workflow;
		workflow.id = `e2eExample${String(index + 1).padStart(6, '0')}`;
		const context: ExampleContext = { api, n8n, workflow, folder: join(n8n.filesDir, file.replace(/\.json$/, '')) };
		mkdirSync(context.folder, { recursive: true });
		for (const n of workflow.nodes) {
			if (n.type === 'n8n-nodes-base.scheduleTrigger') Object.assign(n, { type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
			if (n.type === NODE_TYPE) n.credentials = { cometApi: credential };
		}
		const spec = SPECS[file];
		spec?.prepare?.(context);
		return {
			file,
			workflow,
			async verify() {
				if (!spec) throw new Error(`examples/${file} has no e2e check in test/e2e/examples.ts`);
				if (spec.verify) return await spec.verify(context);
				const run = await n8n.execute(workflow.id);
				expectSuccess(run);
				await spec.check?.(run, context);
			},
		};
	});
}
