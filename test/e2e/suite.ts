/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as n8nLib from '../../scripts/lib/n8n';
import '../helpers/fake-chat'; // registers POST /v1/chat/completions on the fake API
import '../helpers/fake-gemini'; // registers POST /v1beta/models/{model}:generateContent on the fake API
import { prices } from '../helpers/fake-prices'; // serves the public price list, GET /api/models (no key)
import { API_KEY, startFakeCometApi, type FakeCometApi } from '../helpers/fake-cometapi';
import { parseMultipart } from '../helpers/fake-edits';
import { makeJpeg, makePng } from '../helpers/images';
import { prepareExamples, sortByPrompt, type PreparedExample } from './examples';
import { expectSuccess, N8nInstance, NODE_TYPE, outputOf, workflow, type Workflow } from './n8n-instance';
import { describeRelease } from './releases';

/*
 * The same checks on every n8n release: the packed package installed as a community package,
 * workflows imported and executed headlessly against the fake CometAPI.
 */

const CREDENTIAL = { id: 'cometApiE2eCred1', name: 'CometAPI (fake API)' };
const BAD_CREDENTIAL = { id: 'cometApiBadKey01', name: 'CometAPI (wrong key)' };
const BAD_KEY = `sk-wrong-${randomUUID().replace(/-/g, '')}`;

const manual = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} };

function cometApi(name: string, parameters: Record<string, unknown>, credential = CREDENTIAL) {
	return { name, type: NODE_TYPE, typeVersion: 1, parameters: { resource: 'image', ...parameters }, credentials: { cometApi: credential } };
}

function code(name: string, jsCode: string) {
	return { name, type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode } };
}

function writeFile(name: string, fileName: string) {
	return {
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'write', fileName, dataPropertyName: 'data', options: {} },
	};
}

export function e2eSuite(version: string) {
	describeRelease(version, () => {
		let api: FakeCometApi;
		let n8n: N8nInstance;
		let examples: PreparedExample[];

		const ids = { chain: 'e2eChain00000001', multiItem: 'e2eMultiItem0001', rejected: 'e2eBadKey0000001', gemini: 'e2eGemini0000001' };

		/** The e2e's own workflows (the examples come on top). */
		const testWorkflows = (out: string): Workflow[] => [
			workflow(ids.chain, 'Generate, then Edit the image, then Chat Image with it', [
				manual,
				cometApi('Generate', { operation: 'generate', prompt: 'a red fox in the snow' }),
				cometApi('Edit', { operation: 'edit', prompt: 'give the fox a scarf', imageProperties: 'data', options: { outputFormat: 'jpeg' } }),
				cometApi('Chat', { operation: 'chat', prompt: 'frame this photo on a wooden wall', inputImages: 'data' }),
				writeFile('Write', `=${out}/chain/{{ $execution.id }}.{{ $binary.data.fileExtension }}`),
			]),
			workflow(ids.multiItem, 'Generate: three prompts, two images each', [
				manual,
				code('Prompts', "return ['a red fox', 'a blue whale', 'a green frog'].map((prompt) => ({ json: { prompt } }));"),
				cometApi('Generate', { operation: 'generate', prompt: '={{ $json.prompt }}', options: { n: 2 } }),
				writeFile('Write', `=${out}/multi/{{ $json.prompt.replaceAll(' ', '-') }}-{{ $binary.data.fileName }}`),
			]),
			workflow(ids.gemini, 'Generate, then Gemini Generate or Edit Image from it (16:9, 4K)', [
				manual,
				cometApi('Generate', { operation: 'generate', prompt: 'a desk lamp' }),
				cometApi('Gemini', { resource: 'gemini', operation: 'generateImage', prompt: 'the lamp on a desk at night', referenceImages: 'data', aspectRatio: '16:9', imageSize: '4K', options: { includeThoughts: true } }),
			]),
			workflow(ids.rejected, 'Generate with a wrong key', [
				manual,
				cometApi('Generate', { operation: 'generate', prompt: 'a lighthouse' }, BAD_CREDENTIAL),
			]),
		];

		beforeAll(async () => {
			api = await startFakeCometApi();
			n8n = await N8nInstance.create(version);
			for (const folder of ['chain', 'multi']) mkdirSync(join(n8n.filesDir, folder));
			examples = prepareExamples(n8n, api, CREDENTIAL);
			await n8n.importCredentials([
				{ ...CREDENTIAL, type: 'cometApi', data: { apiKey: API_KEY, baseUrl: api.baseUrl } },
				{ ...BAD_CREDENTIAL, type: 'cometApi', data: { apiKey: BAD_KEY, baseUrl: api.baseUrl } },
			]);
			await n8n.importWorkflows([...testWorkflows(n8n.filesDir), ...examples.map((example) => example.workflow)]);
			// two CLI commands, each a full n8n start: minutes on a loaded 2-core machine
		}, 600000);

		afterAll(async () => {
			await n8n?.cleanUp();
			await api?.close();
		});

		beforeEach(() => api.reset());

		it('serves the CometAPI node and credential to the editor, and the credential test passes', async () => {
			await n8n.withServer(async (server) => {
				const { node, credential } = await server.types();
				expect(node).toMatchObject({ displayName: 'CometAPI', version: [1, 2], usableAsTool: true });
				expect(node?.credentials).toEqual([{ name: 'cometApi', required: true }]);
				const operation = (node?.properties as Array<{ name: string; options?: Array<{ value: string }> }>).find((p) => p.name === 'operation');
				// n8n adds its own "Custom API Call" entry only to a node whose version is one number: this
				// node is versions 1 and 2 in one description, so it has none
				expect(operation?.options?.map((o) => o.value).sort()).toEqual(['chat', 'edit', 'generate']);
				const properties = node?.properties as Array<{ name: string; default?: unknown; options?: Array<{ value: string }> }>;
				const resource = properties.find((p) => p.name === 'resource');
				expect([resource?.default, resource?.options?.map((o) => o.value).sort()]).toEqual(['image', ['bria', 'flux', 'gemini', 'image', 'kling', 'midjourney', 'replicate']]);
				expect(properties.filter((p) => p.name === 'operation').flatMap((p) => p.options?.map((o) => o.value))).toContain('generateImage');
				expect(credential).toMatchObject({ displayName: 'CometAPI API' });

				// the editor's "Test" button: GET {baseUrl}/models with the key
				const test = (id: string, name: string, apiKey: string) =>
					server.rest('POST', '/rest/credentials/test', {
						credentials: { id, name, type: 'cometApi', data: { apiKey, baseUrl: api.baseUrl } },
					});
				expect(await test(CREDENTIAL.id, CREDENTIAL.name, API_KEY)).toEqual({ status: 200, body: { data: { status: 'OK', message: expect.any(String) } } });
				expect(api.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`)).toEqual([`GET /v1/models Bearer ${API_KEY}`]);
				const bad = await test(BAD_CREDENTIAL.id, BAD_CREDENTIAL.name, BAD_KEY);
				expect(bad).toMatchObject({ status: 200, body: { data: { status: 'Error' } } });
				expect(JSON.stringify(bad)).not.toContain(BAD_KEY);
			});
		});

		// filesystem: n8n's default; database: the default in queue mode (binaries in the database,
		// shared by main and workers); default: in memory. Each mode is a server start: the order
		// lets the next test reuse the running server.
		it.each(['default', 'database', 'filesystem'])(
			'Generate → Edit (the generated image) → Chat Image (the edited image), binary data mode %s',
			async (mode) => {
				const run = await n8n.execute(ids.chain, { N8N_DEFAULT_BINARY_DATA_MODE: mode });
				expectSuccess(run);
				expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
					'POST /v1/images/generations',
					'POST /v1/images/edits',
					'POST /v1/chat/completions',
				]);
				const [generation, edit, chat] = api.requests;
				for (const request of api.requests) expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
				expect(generation.json).toEqual({ model: 'gpt-image-1', prompt: 'a red fox in the snow' });

				// Edit got the generated PNG, byte for byte, as a named file part
				const form = await parseMultipart(edit);
				expect(form.files.map(({ field, fileName, mimeType, data }) => ({ field, fileName, mimeType, data }))).toEqual([
					{ field: 'image', fileName: 'image_1.png', mimeType: 'image/png', data: makePng(8, 8, 1) },
				]);
				expect(Object.fromEntries(form.fields)).toEqual({ model: 'gpt-image-1', prompt: 'give the fox a scarf', output_format: 'jpeg' });

				// Chat Image got the edited JPEG as a data URL
				expect(chat.json).toMatchObject({
					model: 'gpt-4o-image',
					stream: true,
					messages: [
						{
							role: 'user',
							content: [
								{ type: 'text', text: 'frame this photo on a wooden wall' },
								{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${makeJpeg(8, 8, 1).toString('base64')}` } },
							],
						},
					],
				});
				// the reply's image was downloaded from the image host, without the key
				expect(api.imageHost.requests.map((r) => r.path)).toEqual([expect.stringMatching(/^\/cdn\/20250415\/gen\d+\.png$/)]);
				expect(api.imageHost.requests[0].headers.authorization).toBeUndefined();

				const [generated] = outputOf(run, 'Generate');
				const [edited] = outputOf(run, 'Edit');
				const [chatted] = outputOf(run, 'Chat');
				expect(outputOf(run, 'Generate')).toHaveLength(1);
				expect(outputOf(run, 'Edit')).toHaveLength(1);
				expect(outputOf(run, 'Chat')).toHaveLength(1);
				expect(generated.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'image_1.png', fileExtension: 'png' });
				expect(edited.binary?.data).toMatchObject({ mimeType: 'image/jpeg', fileName: 'image_1.jpeg', fileExtension: 'jpeg' });
				expect(chatted.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: 'image_1.png', fileExtension: 'png' });
				for (const item of [generated, edited, chatted]) expect(item.pairedItem).toEqual({ item: 0 });
				expect(edited.json).toMatchObject({ model: 'gpt-image-1', prompt: 'give the fox a scarf' });
				// what each image cost, from the public price list (read without the key; once per 10 min per process,
				// and each execution here is a process of its own): usage × token prices, or unknown without a price
				expect(generated.json.cost).toEqual({ usd: 0.16646, basis: 'tokens', model: 'gpt-image-1' });
				expect(chatted.json.cost).toEqual({ basis: 'unknown', model: 'gpt-4o-image', note: 'the model has no price in CometAPI’s price list' });
				expect(prices.requests.length).toBeGreaterThan(0);
				for (const request of prices.requests) expect(request.headers.authorization).toBeUndefined();
				expect(chatted.json).toMatchObject({ model: 'gpt-4o-image', prompt: 'frame this photo on a wooden wall' });
				expect(JSON.stringify(chatted.json)).toContain('Generation complete');
				if (mode === 'default') expect(chatted.binary?.data.id).toBeUndefined();
				else expect(chatted.binary?.data.id).toMatch(new RegExp(`^${mode}`));

				// what the next node wrote is the image from the reply
				const [written] = outputOf(run, 'Write');
				const file = String(written.json.fileName);
				expect(readFileSync(file)).toEqual(makePng(8, 8, 1));
			},
		);

		it.each(['filesystem', 'default'])('Gemini Generate or Edit Image takes the generated image as a reference, binary data mode %s', async (mode) => {
			const run = await n8n.execute(ids.gemini, { N8N_DEFAULT_BINARY_DATA_MODE: mode });
			expectSuccess(run);
			expect(api.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`)).toEqual([
				`POST /v1/images/generations Bearer ${API_KEY}`,
				`POST /v1beta/models/gemini-3.1-flash-image:generateContent Bearer ${API_KEY}`,
			]);
			expect(api.requests[1].json).toEqual({
				contents: [
					{
						role: 'user',
						parts: [{ text: 'the lamp on a desk at night' }, { inlineData: { mimeType: 'image/png', data: makePng(8, 8, 1).toString('base64') } }],
					},
				],
				generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '4K' } },
			});
			// the thought image (asked for, marked) and the final 16:9 image, each its own item paired with the input
			const items = outputOf(run, 'Gemini');
			expect(items.map((item) => [item.binary?.data.fileName, item.binary?.data.mimeType, item.json.thought, item.pairedItem])).toEqual([
				['image_1.png', 'image/png', true, { item: 0 }],
				['image_2.png', 'image/png', undefined, { item: 0 }],
			]);
			expect(items[1].json).toMatchObject({ model: 'gemini-3.1-flash-image', text: 'Here is your image.', finishReason: 'STOP', imageCount: 2 });
			expect(JSON.stringify(items.map((item) => item.json))).not.toMatch(/iVBOR/);
			if (mode === 'default') expect(items[1].binary?.data.id).toBeUndefined();
			else expect(items[1].binary?.data.id).toMatch(/^filesystem/);
		});

		it('Generate Image on three items: one item per image, paired with its input, written to disk', async () => {
			const run = await n8n.execute(ids.multiItem);
			expectSuccess(run);

			const requests = api.requests.filter((r) => r.path === '/v1/images/generations');
			expect(sortByPrompt(requests.map((r) => r.json))).toEqual(
				['a blue whale', 'a green frog', 'a red fox'].map((prompt) => ({ model: 'gpt-image-1', prompt, n: 2 })),
			);
			for (const request of requests) expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);

			const items = outputOf(run, 'Generate');
			expect(items).toHaveLength(6);
			expect(items.map((item) => item.pairedItem)).toEqual([0, 0, 1, 1, 2, 2].map((item) => ({ item })));
			expect(items.map((item) => item.json.prompt)).toEqual(
				['a red fox', 'a red fox', 'a blue whale', 'a blue whale', 'a green frog', 'a green frog'],
			);
			for (const [index, item] of items.entries()) {
				expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png', fileName: `image_${(index % 2) + 1}.png` });
				expect(JSON.stringify(item.json)).not.toMatch(/iVBOR/); // no base64 in the JSON
			}
			const written = readdirSync(join(n8n.filesDir, 'multi')).sort();
			expect(written).toEqual(
				['a-blue-whale', 'a-green-frog', 'a-red-fox'].flatMap((p) => [`${p}-image_1.png`, `${p}-image_2.png`]),
			);
			expect(readFileSync(join(n8n.filesDir, 'multi', 'a-red-fox-image_2.png'))).toEqual(makePng(8, 8, 2));
		});

		it('a wrong key fails the execution with CometAPI’s message, and the key is printed nowhere', async () => {
			const run = await n8n.execute(ids.rejected);
			expect(run.status).toBe('error');
			const error = run.result?.data.resultData.error;
			expect(`${error?.message} ${error?.description}`).toContain('Invalid token');
			expect(run.result?.data.resultData.runData.Generate[0].error?.message).toBe(error?.message);
			const shown = `${run.output}${run.stored}`;
			expect(shown).not.toContain(BAD_KEY);
			expect(shown).not.toContain(API_KEY);
			// it did reach CometAPI, with the key in the Authorization header only
			expect(api.requests).toHaveLength(1);
			expect(api.requests[0].headers.authorization).toBe(`Bearer ${BAD_KEY}`);
		});

		describe('examples/', () => {
			it('every example is tested, and has a sticky note saying what it does', () => {
				expect(examples.map((example) => example.file).sort()).toEqual(
					readdirSync(join(n8nLib.ROOT, 'examples')).filter((f) => f.endsWith('.json')).sort(),
				);
				for (const { workflow: wf } of examples) {
					const notes = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote');
					expect(notes).toHaveLength(1);
					expect(String(notes[0].parameters.content)).toMatch(/^## .+\n\n.+\*\*Setup\*\*/s);
				}
			});

			it.each([
				'chat-image-with-reference.json',
				'edit-folder-on-schedule.json',
				'form-upload-edit-respond.json',
				'gemini-banner-from-product-and-style.json',
				'generate-images-from-prompt-list.json',
			])('%s runs', async (file) => {
				await examples.find((example) => example.file === file)!.verify();
			});
		});
	});
}
