import type { INodeProperties } from 'n8n-workflow';

import { CometApi } from '../../../nodes/CometApi/CometApi.node';
import '../../helpers/fake-bria';
import '../../helpers/fake-flux';
import '../../helpers/fake-kling';
import '../../helpers/fake-replicate';
import { books } from '../../helpers/fake-tasks';
import { answerChat, dataUri, useFakeChatApi } from '../../helpers/fake-chat';
import { API_KEY } from '../../helpers/fake-cometapi';
import { parseMultipart } from '../../helpers/fake-edits';
import { GEMINI_PATH, THOUGHT_IMAGE } from '../../helpers/fake-gemini';
import '../../helpers/fake-midjourney'; // registers the /mj routes on the fake API
import { binaryBuffer, model, runCometApi, type InputItem, type RunOptions } from '../../helpers/harness';
import { makePng, makeWebp } from '../../helpers/images';

/*
 * The node as n8n loads it: every option of every operation, set through the real description,
 * does what it says in the request; and the values saved in workflows keep working.
 */

const node = new CometApi();
const fake = useFakeChatApi();
const api = fake.api;

function operationProperties(operation: string, resource?: string): INodeProperties[] {
	return node.description.properties.filter(
		(p) => p.displayOptions?.show?.operation?.includes(operation) && (!resource || p.displayOptions.show.resource?.includes(resource)),
	);
}

function collectionOptions(operation: string, resource?: string): string[] {
	const collection = operationProperties(operation, resource).find((p) => p.name === 'options');
	return ((collection?.options ?? []) as INodeProperties[]).map((option) => option.name).sort();
}

function run(operation: string, parameters: Record<string, unknown>, extra: Partial<RunOptions> = {}) {
	return runCometApi({
		parameters: { resource: 'image', operation, ...parameters },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		...extra,
	});
}

/** An option of the coverage tables: the value set, and the request field it must arrive as (if any). */
type Coverage = Record<string, { value: unknown; field?: string; sent?: unknown }>;

const valuesOf = (coverage: Coverage) =>
	Object.fromEntries(Object.entries(coverage).map(([name, option]) => [name, option.value]));

const fieldsOf = (coverage: Coverage) =>
	Object.fromEntries(Object.values(coverage).flatMap((option) => (option.field ? [[option.field, option.sent]] : [])));

const GENERATE_OPTIONS: Coverage = {
	// Seedream 4.x takes no seed (BytePlus); Additional Body Fields win over the node's watermark: false
	additionalBodyFields: { value: '{"watermark": true}', field: 'watermark', sent: true },
	background: { value: 'transparent', field: 'background', sent: 'transparent' },
	binaryPropertyOutput: { value: 'image' },
	customSize: { value: '2048x2048', field: 'size', sent: '2048x2048' },
	downloadUrls: { value: true },
	maxConcurrency: { value: 3 },
	maxSpendUsd: { value: 100 },
	maxDownloadSize: { value: 5 },
	maxRetries: { value: 0 },
	moderation: { value: 'low', field: 'moderation', sent: 'low' },
	n: { value: 2, field: 'n', sent: 2 },
	outputCompression: { value: 70, field: 'output_compression', sent: 70 },
	outputFormat: { value: 'webp', field: 'output_format', sent: 'webp' },
	outputMode: { value: 'itemPerImage' },
	quality: { value: 'high', field: 'quality', sent: 'high' },
	rateLimitWait: { value: 60 },
	responseFormat: { value: 'b64_json', field: 'response_format', sent: 'b64_json' },
	retryTimeouts: { value: true },
	size: { value: 'custom' },
	style: { value: 'natural', field: 'style', sent: 'natural' },
	timeout: { value: 120 },
	user: { value: 'user-42', field: 'user', sent: 'user-42' },
};

/** Multipart text fields arrive as text. */
const EDIT_OPTIONS: Coverage = {
	additionalBodyFields: { value: '{"watermark": false, "guidance_scale": 5.5}', field: 'watermark', sent: 'false' },
	background: { value: 'transparent', field: 'background', sent: 'transparent' },
	binaryPropertyOutput: { value: 'edited' },
	customSize: { value: '2048x2048', field: 'size', sent: '2048x2048' },
	downloadUrls: { value: true },
	imageArrayField: { value: true },
	inputFidelity: { value: 'high', field: 'input_fidelity', sent: 'high' },
	maskProperty: { value: 'mask' },
	maxConcurrency: { value: 2 },
	maxSpendUsd: { value: 100 },
	maxDownloadSize: { value: 5 },
	maxRetries: { value: 0 },
	n: { value: 2, field: 'n', sent: '2' },
	outputCompression: { value: 70, field: 'output_compression', sent: '70' },
	outputFormat: { value: 'webp', field: 'output_format', sent: 'webp' },
	outputMode: { value: 'allInOne' },
	quality: { value: 'high', field: 'quality', sent: 'high' },
	rateLimitWait: { value: 60 },
	responseFormat: { value: 'b64_json', field: 'response_format', sent: 'b64_json' },
	retryTimeouts: { value: true },
	size: { value: 'custom' },
	timeout: { value: 120 },
	user: { value: 'user-42', field: 'user', sent: 'user-42' },
};

const CHAT_OPTIONS: Coverage = {
	additionalBodyFields: { value: '{"temperature": 0.5, "max_tokens": 4000}', field: 'temperature', sent: 0.5 },
	binaryPropertyOutput: { value: 'picture' },
	failWhenNoImage: { value: true },
	maxConcurrency: { value: 2 },
	maxSpendUsd: { value: 100 },
	maxDownloadSize: { value: 5 },
	maxImageLinks: { value: 5 },
	maxRetries: { value: 0 },
	outputMode: { value: 'allInOne' },
	rateLimitWait: { value: 60 },
	retryTimeouts: { value: true },
	stream: { value: false, field: 'stream', sent: false },
	systemMessage: { value: 'Answer with images only.' },
	timeout: { value: 120 },
};

/** Gemini's body is nested: `field` here is a path into it. */
const GEMINI_OPTIONS: Coverage = {
	additionalBodyFields: { value: '{"generationConfig": {"temperature": 0.4}}', field: 'generationConfig.temperature', sent: 0.4 },
	binaryPropertyOutput: { value: 'banner' },
	failWhenNoImage: { value: true },
	googleSearch: { value: true, field: 'tools', sent: [{ google_search: {} }] },
	includeThoughts: { value: true },
	maxConcurrency: { value: 2 },
	maxSpendUsd: { value: 100 },
	maxRetries: { value: 0 },
	outputMode: { value: 'allInOne' },
	rateLimitWait: { value: 60 },
	retryTimeouts: { value: true },
	systemInstruction: { value: 'You design banners.', field: 'systemInstruction', sent: { parts: [{ text: 'You design banners.' }] } },
	timeout: { value: 120 },
};

/** Midjourney: the submissions take Additional Body Fields; every operation waits and (but Describe) downloads. */
const MJ_RUN_OPTIONS: Coverage = {
	maxConcurrency: { value: 2 },
	maxRetries: { value: 0 },
	maxWait: { value: 1 },
	pollInterval: { value: 0.02 },
	rateLimitWait: { value: 60 },
	timeout: { value: 120 },
};
const MJ_DOWNLOAD_OPTIONS: Coverage = {
	binaryPropertyOutput: { value: 'picture' },
	maxDownloadSize: { value: 5 },
	outputMode: { value: 'allInOne' },
};
const MJ_BODY_OPTIONS: Coverage = { additionalBodyFields: { value: '{"state": "run-7"}', field: 'state', sent: 'run-7' } };
const MJ_SUBMIT_OPTIONS: Coverage = { ...MJ_RUN_OPTIONS, ...MJ_DOWNLOAD_OPTIONS, ...MJ_BODY_OPTIONS };

/** Max Spend per Run: every operation that bills (not Get Task, which reads a task at no charge). */
const BILLING_OPTIONS: Coverage = { maxSpendUsd: { value: 100 } };

/** The options every task operation has: how it waits, where its images go (no Retry Timed-Out Requests: a task is submitted once). */
const TASK_OPTIONS: Coverage = {
	binaryPropertyOutput: { value: 'picture' },
	maxConcurrency: { value: 2 },
	maxDownloadSize: { value: 5 },
	maxRetries: { value: 0 },
	maxWait: { value: 5 },
	outputMode: { value: 'allInOne' },
	pollInterval: { value: 0.05 },
	rateLimitWait: { value: 60 },
	timeout: { value: 120 },
};

const FLUX_OPTIONS: Coverage = {
	...TASK_OPTIONS,
	additionalBodyFields: { value: '{"prompt_upsampling": true}', field: 'prompt_upsampling', sent: true },
	outputFormat: { value: 'png', field: 'output_format', sent: 'png' },
	referenceImageKey: { value: 'input_image_2', field: 'input_image_2', sent: makePng(8, 8, 4).toString('base64') },
	safetyTolerance: { value: 4, field: 'safety_tolerance', sent: 4 },
	seed: { value: 7, field: 'seed', sent: 7 },
	steps: { value: 30, field: 'steps', sent: 30 },
	guidance: { value: 3.5, field: 'guidance', sent: 3.5 },
};

const KLING_OPTIONS: Coverage = {
	...TASK_OPTIONS,
	additionalBodyFields: { value: '{"callback_url": "https://example.com/kling"}', field: 'callback_url', sent: 'https://example.com/kling' },
	imageFidelity: { value: 0.3, field: 'image_fidelity', sent: 0.3 },
	n: { value: 2, field: 'n', sent: 2 },
	negativePrompt: { value: 'blur', field: 'negative_prompt', sent: 'blur' },
};

const BRIA_OPTIONS: Coverage = {
	...TASK_OPTIONS,
	additionalBodyFields: { value: '{"seed": 5}', field: 'seed', sent: 5 },
	numResults: { value: 2, field: 'num_results', sent: 2 },
};

/** The task operations: their parameters (besides Options) and what the fake must receive for them. */
const TASK_OPERATIONS = [
	{
		resource: 'flux',
		operation: 'generateImage',
		coverage: FLUX_OPTIONS,
		// flux-2-flex: the model that takes every option (Steps and Guidance are flex's)
		parameters: { modelId: model('flux-2-flex', 'id'), prompt: 'restyle it', referenceImage: 'photo', sizeMode: 'dimensions', width: 1024, height: 768 },
		body: { prompt: 'restyle it', width: 1024, height: 768 },
		images: 1,
	},
	{
		resource: 'replicate',
		operation: 'createPrediction',
		coverage: TASK_OPTIONS,
		parameters: { replicateModel: 'black-forest-labs/flux-schnell', input: '{"prompt": "a fox", "num_outputs": 2}', imageInputs: { images: [{ binaryField: 'photo', inputKey: 'image' }] } },
		body: { input: { prompt: 'a fox', num_outputs: 2, image: `data:image/png;base64,${makePng(8, 8, 4).toString('base64')}` } },
		images: 2,
	},
	{
		resource: 'kling',
		operation: 'generateImage',
		coverage: KLING_OPTIONS,
		// no reference image: Kling refuses a Negative Prompt with one (the reference is covered in kling/generateImage.operation.test.ts)
		parameters: { prompt: 'a fox', modelId: model('kling-v2-1', 'id'), aspectRatio: '9:16', resolution: '2k' },
		body: { prompt: 'a fox', model_name: 'kling-v2-1', aspect_ratio: '9:16', resolution: '2k' },
		images: 2,
	},
	{
		resource: 'bria',
		operation: 'editImage',
		coverage: BRIA_OPTIONS,
		parameters: { editAction: 'gen_fill', imageField: 'photo', maskField: 'mask', prompt: 'a vase' },
		body: {
			image: `data:image/png;base64,${makePng(8, 8, 4).toString('base64')}`,
			mask: `data:image/png;base64,${makePng(8, 8, 5).toString('base64')}`,
			prompt: 'a vase',
		},
		images: 2,
	},
];

describe('Every option of every operation, set through the node, arrives in the request', () => {
	beforeEach(() => books.forEach((book) => book.reset()));

	const tables: Array<[string, string, Coverage]> = [
		['image', 'generate', GENERATE_OPTIONS],
		['image', 'edit', EDIT_OPTIONS],
		['image', 'chat', CHAT_OPTIONS],
		['gemini', 'generateImage', GEMINI_OPTIONS],
		...TASK_OPERATIONS.map(({ resource, operation, coverage }): [string, string, Coverage] => [resource, operation, { ...coverage, ...BILLING_OPTIONS }]),
		...['flux', 'replicate', 'kling', 'bria'].map((resource): [string, string, Coverage] => [resource, 'getTask', TASK_OPTIONS]),
		['midjourney', 'imagine', { ...MJ_SUBMIT_OPTIONS, ...BILLING_OPTIONS }],
		['midjourney', 'action', { ...MJ_SUBMIT_OPTIONS, ...BILLING_OPTIONS }],
		['midjourney', 'blend', { ...MJ_SUBMIT_OPTIONS, ...BILLING_OPTIONS }],
		['midjourney', 'modal', { ...MJ_SUBMIT_OPTIONS, ...BILLING_OPTIONS }],
		['midjourney', 'describe', { ...MJ_RUN_OPTIONS, ...MJ_BODY_OPTIONS, ...BILLING_OPTIONS }],
		['midjourney', 'getTask', { ...MJ_RUN_OPTIONS, ...MJ_DOWNLOAD_OPTIONS }],
	];
	it.each(tables)('%s, %s: the tests below cover every option of its Options collection', (resource, operation, coverage) => {
		expect(collectionOptions(operation, resource)).toEqual(Object.keys(coverage).sort());
	});

	it.each(TASK_OPERATIONS.map((entry) => [entry.resource, entry.operation, entry] as const))(
		'%s, %s: every parameter and option in the submission, or doing its job',
		async (resource, operation, { coverage, parameters, body, images }) => {
			const { error, output } = await runCometApi({
				parameters: { resource, operation, ...parameters, options: valuesOf(coverage) },
				credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
				input: [{ binary: { photo: { data: makePng(8, 8, 4), mimeType: 'image/png' }, mask: { data: makePng(8, 8, 5), mimeType: 'image/png' } } }],
			});
			expect(error).toBeUndefined();
			expect(api.requests[0].json).toEqual({ ...body, ...fieldsOf(coverage) });
			// outputMode, binaryPropertyOutput: every image in one item under "picture"
			expect(output).toHaveLength(1);
			expect(Object.keys(output[0].binary!)).toEqual(['picture', 'picture_1'].slice(0, images));
			expect(output[0].json.taskId).toEqual(expect.any(String));
		},
	);

	it.each(['flux', 'replicate', 'kling', 'bria'])('%s, Get Task: its options wait for the task and put its images where they say', async (resource) => {
		const book = books.find((entry) => entry.provider.toLowerCase() === resource)!;
		const { operation, parameters } = TASK_OPERATIONS.find((entry) => entry.resource === resource)!;
		const submitted = await runCometApi({
			parameters: { resource, operation, ...parameters, options: { maxWait: 0 } },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: [{ binary: { photo: { data: makePng(8, 8, 4), mimeType: 'image/png' }, mask: { data: makePng(8, 8, 5), mimeType: 'image/png' } } }],
		});
		const taskId = String(submitted.output[0].json.taskId);
		expect(book.tasks.has(taskId)).toBe(true);
		const { error, output } = await runCometApi({
			parameters: { resource, operation: 'getTask', taskId, options: valuesOf(TASK_OPTIONS) },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect(Object.keys(output[0].binary ?? {})[0]).toBe('picture');
	});

	it('Generate Image: with its API name and value', async () => {
		const { error, output } = await run('generate', {
			modelId: model('doubao-seedream-4-0-250828', 'id'),
			prompt: 'a lighthouse',
			options: valuesOf(GENERATE_OPTIONS),
		});
		expect(error).toBeUndefined();
		expect(api.requests[0].json).toEqual({
			model: 'doubao-seedream-4-0-250828',
			prompt: 'a lighthouse',
			...fieldsOf(GENERATE_OPTIONS),
		});
		// The options that are not body fields did their job too: two images, one item each, under "image".
		expect(output).toHaveLength(2);
		expect(Object.keys(output[0].binary!)).toEqual(['image']);
	});

	it('Edit Image: as multipart text fields, and the files as the options say', async () => {
		const photo = { data: makePng(16, 16, 1), fileName: 'photo.png', mimeType: 'image/png' };
		const mask = { data: makePng(16, 16, 9), fileName: 'mask.png', mimeType: 'image/png' };
		const input: InputItem[] = [{ binary: { data: photo, mask } }];
		const { error, output } = await run(
			'edit',
			{ modelId: model('doubao-seededit-3-0-i2i-250628', 'id'), prompt: 'make the sky blue', options: valuesOf(EDIT_OPTIONS) },
			{ input },
		);
		expect(error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
		const form = await parseMultipart(api.requests[0]);
		const expected = {
			model: 'doubao-seededit-3-0-i2i-250628',
			prompt: 'make the sky blue',
			guidance_scale: '5.5',
			...fieldsOf(EDIT_OPTIONS),
		};
		expect(Object.fromEntries(form.fields)).toEqual(expected);
		expect(form.fields).toHaveLength(Object.keys(expected).length);
		// imageArrayField and maskProperty: the files.
		expect(form.files.map((file) => [file.field, file.fileName])).toEqual([
			['image[]', 'photo.png'],
			['mask', 'mask.png'],
		]);
		// outputMode and binaryPropertyOutput: both webp images in one item as edited, edited_1.
		expect(output).toHaveLength(1);
		expect(Object.keys(output[0].binary!)).toEqual(['edited', 'edited_1']);
		expect(output[0].binary!.edited.mimeType).toBe('image/webp');
	});

	it('Generate with Chat Model: in the body, or doing its job', async () => {
		const input = makeWebp(8, 8);
		answerChat((_request, context) => ({
			content: `![a](${context.imageHost.publish('cdn/a.png', makePng(8, 8, 1))}) ![image](${dataUri(makePng(8, 8, 2))})`,
		}));
		const { error, output } = await run(
			'chat',
			{ modelId: model('gemini-2.5-flash-image', 'id'), prompt: 'a lighthouse', inputImages: 'sketch', options: valuesOf(CHAT_OPTIONS) },
			{ input: [{ binary: { sketch: { data: input, mimeType: 'image/webp', fileName: 'sketch.webp' } } }] },
		);
		expect(error).toBeUndefined();
		expect(api.requests[0].json).toEqual({
			model: 'gemini-2.5-flash-image',
			messages: [
				{ role: 'system', content: 'Answer with images only.' },
				{
					role: 'user',
					content: [
						{ type: 'text', text: 'a lighthouse' },
						{ type: 'image_url', image_url: { url: `data:image/webp;base64,${input.toString('base64')}` } },
					],
				},
			],
			max_tokens: 4000,
			...fieldsOf(CHAT_OPTIONS),
		});
		// All in one item, under the field asked for.
		expect(output).toHaveLength(1);
		expect(Object.keys(output[0].binary!)).toEqual(['picture', 'picture_1']);
		expect(await binaryBuffer(output[0].binary!.picture)).toEqual(makePng(8, 8, 1));
	});

	it('Gemini, Generate or Edit Image: every parameter and option in the generateContent body, or doing its job', async () => {
		const product = makePng(12, 10, 3);
		const style = makeWebp(16, 16);
		const { error, output } = await runCometApi({
			parameters: {
				resource: 'gemini',
				operation: 'generateImage',
				modelId: model('gemini-3-pro-image', 'id'),
				prompt: 'a banner for the lamp',
				referenceImages: 'product, style',
				aspectRatio: '21:9',
				imageSize: '2K',
				responseModalities: 'image',
				options: valuesOf(GEMINI_OPTIONS),
			},
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: [{ binary: { product: { data: product, mimeType: 'image/png' }, style: { data: style, mimeType: 'image/webp' } } }],
		});
		expect(error).toBeUndefined();
		expect(api.requests.map((r) => r.path)).toEqual(['/v1beta/models/gemini-3-pro-image:generateContent']);
		expect(api.requests[0].path).toMatch(GEMINI_PATH);
		const body = api.requests[0].json!;
		expect(body).toEqual({
			contents: [
				{
					role: 'user',
					parts: [
						{ text: 'a banner for the lamp' },
						{ inlineData: { mimeType: 'image/png', data: product.toString('base64') } },
						{ inlineData: { mimeType: 'image/webp', data: style.toString('base64') } },
					],
				},
			],
			systemInstruction: { parts: [{ text: 'You design banners.' }] },
			tools: [{ google_search: {} }],
			generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '21:9', imageSize: '2K' }, temperature: 0.4 },
		});
		for (const [path, sent] of Object.entries(fieldsOf(GEMINI_OPTIONS))) {
			expect(path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], body)).toEqual(sent);
		}
		// includeThoughts, outputMode, binaryPropertyOutput: the thought image and the final image in one item under "banner"
		expect(output).toHaveLength(1);
		expect(Object.keys(output[0].binary!)).toEqual(['banner', 'banner_1']);
		expect(await binaryBuffer(output[0].binary!.banner)).toEqual(THOUGHT_IMAGE);
		expect(await binaryBuffer(output[0].binary!.banner_1)).toEqual(makePng(21, 9, 1));
	});

	it('Midjourney: every parameter and option of every operation in the submission, or doing its job', async () => {
		const mj = async (operation: string, parameters: Record<string, unknown>, coverage: Coverage, input?: InputItem[]) => {
			const result = await runCometApi({
				parameters: { resource: 'midjourney', operation, ...parameters, options: valuesOf(coverage) },
				credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
				...(input ? { input } : {}),
			});
			expect(result.error).toBeUndefined();
			return result.output[0];
		};
		const lastSubmission = () => api.requests.filter((r) => r.path.startsWith('/mj/submit/')).at(-1)!;
		const picture = makePng(8, 8, 5);
		const images: InputItem[] = [{ binary: { a: { data: picture, mimeType: 'image/png' }, b: { data: makeWebp(8, 8), mimeType: 'image/webp' } } }];
		const uri = (data: Buffer, type: string) => `data:${type};base64,${data.toString('base64')}`;

		const grid = await mj('imagine', { prompt: 'a fox --ar 2:3', botType: 'NIJI_JOURNEY', referenceImages: 'a' }, MJ_SUBMIT_OPTIONS, images);
		expect(lastSubmission().json).toEqual({ prompt: 'a fox --ar 2:3', botType: 'NIJI_JOURNEY', base64Array: [uri(picture, 'image/png')], ...fieldsOf(MJ_BODY_OPTIONS) });
		// binaryPropertyOutput and outputMode: the grid in one item under "picture"
		expect([Object.keys(grid.binary!), grid.json.imageCount]).toEqual([['picture'], 1]);

		const upscale = await mj('action', { taskId: grid.json.taskId, button: 'U2' }, MJ_SUBMIT_OPTIONS);
		expect(lastSubmission().json).toMatchObject({ taskId: grid.json.taskId, customId: expect.stringContaining('::upsample::2::'), ...fieldsOf(MJ_BODY_OPTIONS) });
		expect(Object.keys(upscale.binary!)).toEqual(['picture']);
		const region = await mj('action', { taskId: upscale.json.taskId, button: 'Vary (Region)' }, MJ_SUBMIT_OPTIONS);
		expect(region.json.status).toBe('MODAL');

		await mj('modal', { taskId: region.json.taskId, prompt: 'a hat', maskField: 'a' }, MJ_SUBMIT_OPTIONS, images);
		expect(lastSubmission().json).toEqual({ taskId: region.json.taskId, prompt: 'a hat', maskBase64: uri(picture, 'image/png'), ...fieldsOf(MJ_BODY_OPTIONS) });

		await mj('blend', { blendImages: 'b, a', dimensions: 'PORTRAIT', botType: 'MID_JOURNEY' }, MJ_SUBMIT_OPTIONS, images);
		expect(lastSubmission().json).toEqual({ base64Array: [uri(makeWebp(8, 8), 'image/webp'), uri(picture, 'image/png')], dimensions: 'PORTRAIT', botType: 'MID_JOURNEY', ...fieldsOf(MJ_BODY_OPTIONS) });

		const described = await mj('describe', { imageField: 'a', botType: 'NIJI_JOURNEY' }, { ...MJ_RUN_OPTIONS, ...MJ_BODY_OPTIONS }, images);
		expect(lastSubmission().json).toEqual({ base64: uri(picture, 'image/png'), botType: 'NIJI_JOURNEY', ...fieldsOf(MJ_BODY_OPTIONS) });
		expect(described.json.prompts).toHaveLength(4);

		const submissions = api.requests.filter((r) => r.path.startsWith('/mj/submit/')).length;
		const fetched = await mj('getTask', { taskId: grid.json.taskId, waitToEnd: true }, { ...MJ_RUN_OPTIONS, ...MJ_DOWNLOAD_OPTIONS });
		expect(fetched.json).toMatchObject({ taskId: grid.json.taskId, status: 'SUCCESS' });
		expect(Object.keys(fetched.binary!)).toEqual(['picture']);
		expect(api.requests.filter((r) => r.path.startsWith('/mj/submit/'))).toHaveLength(submissions);
	});

	it('no input of any operation is hidden by the model name', () => {
		for (const operation of ['generate', 'edit', 'chat', 'generateImage', 'createPrediction', 'editImage', 'getTask']) {
			const properties = operationProperties(operation);
			const options = (properties.find((p) => p.name === 'options')?.options ?? []) as INodeProperties[];
			for (const property of [...properties, ...options]) {
				// Kling's old free-text Model Name hides itself while empty (saved workflows keep it): it hides nothing else
				const { hide, ...displayOptions } = property.displayOptions ?? {};
				const ownHide = property.name === 'modelName' && JSON.stringify(hide) === '{"modelName":[""]}';
				expect(JSON.stringify(ownHide ? displayOptions : (property.displayOptions ?? {}))).not.toMatch(/model/i);
			}
		}
	});
});

describe('What workflows saved keeps working', () => {
	it('a node saved without resource and operation generates an image with the default model', async () => {
		const { error, output } = await runCometApi({
			parameters: { prompt: 'a lighthouse' },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		});
		expect(error).toBeUndefined();
		expect(api.requests.map((r) => [r.path, r.json?.model])).toEqual([['/v1/images/generations', 'gpt-image-1']]);
		expect(output).toHaveLength(1);
	});

	it.each([
		['generate', '/v1/images/generations', 'gpt-image-1'],
		['edit', '/v1/images/edits', 'gpt-image-1'],
		['chat', '/v1/chat/completions', 'gpt-4o-image'],
	])('resource "image", operation "%s" runs that operation, with its default model and inputs', async (operation, path, defaultModel) => {
		// Edit reads the image from "data" by default, and sends no mask even when the item has one.
		const binary = { data: { data: makePng(8, 8, 1), fileName: 'in.png', mimeType: 'image/png' }, mask: { data: makePng(8, 8, 2), fileName: 'mask.png', mimeType: 'image/png' } };
		const { error, output } = await run(operation, { prompt: 'a lighthouse' }, { input: [{ binary }] });
		expect(error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
		expect(api.requests[0].path).toBe(path);
		if (operation === 'edit') {
			const form = await parseMultipart(api.requests[0]);
			expect(Object.fromEntries(form.fields).model).toBe(defaultModel);
			expect(form.files.map((file) => file.field)).toEqual(['image']);
		} else {
			expect(api.requests[0].json?.model).toBe(defaultModel);
		}
		// Chat streams by default.
		if (operation === 'chat') expect(api.requests[0].json?.stream).toBe(true);
		expect(output.length).toBeGreaterThan(0);
	});

	it('resource "image" stays the default; resource "gemini" without an operation runs Generate or Edit Image', async () => {
		expect(node.description.properties.find((p) => p.name === 'resource')?.default).toBe('image');
		const { error, output } = await runCometApi({
			parameters: { resource: 'gemini', prompt: 'a lighthouse' },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		});
		expect(error).toBeUndefined();
		expect(api.requests.map((r) => r.path)).toEqual(['/v1beta/models/gemini-3.1-flash-image:generateContent']);
		expect(output).toHaveLength(1);
	});
});

describe('The node panel lists the main action first', () => {
	type Option = { name: string; value: string; action?: string };
	const byName = (options: Option[]) => [...options].sort((a, b) => a.name.localeCompare(b.name));
	const resourceParam = node.description.properties.find((p) => p.name === 'resource')!;
	const resources = resourceParam.options as Option[];
	const operationsOf = (resource: string) =>
		node.description.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource))!;

	it('Image first (its Generate Image is the first action n8n highlights), then the families alphabetically', () => {
		expect(resources[0].value).toBe('image');
		expect(resources.slice(1)).toEqual(byName(resources.slice(1)));
		const first = operationsOf('image');
		expect((first.options as Option[])[0]).toMatchObject({ value: 'generate', action: 'Generate an image' });
	});

	it.each(['image', 'bria', 'flux', 'gemini', 'kling', 'midjourney', 'replicate'])(
		'%s: its default (main) operation first, the others after it alphabetically when there are more than two',
		(resource) => {
			const operation = operationsOf(resource);
			const options = operation.options as Option[];
			expect(options[0].value).toBe(operation.default);
			if (options.length > 3) expect(options.slice(1)).toEqual(byName(options.slice(1)));
		},
	);

	it('Midjourney: Imagine first, before the operations that continue its tasks', () => {
		expect((operationsOf('midjourney').options as Option[]).map((o) => o.value)).toEqual([
			'imagine', 'action', 'blend', 'describe', 'getTask', 'modal',
		]);
	});
});

describe('Fields that say what they take', () => {
	/** Every field of the panel, with the resource and operations it shows for (nested ones too). */
	function* fields(properties: INodeProperties[], show?: INodeProperties['displayOptions']): Generator<[INodeProperties, string]> {
		for (const property of properties) {
			const where = property.displayOptions ?? show;
			yield [property, `${where?.show?.resource?.join('|')}:${where?.show?.operation?.join('|')}`];
			for (const child of (property.options ?? []) as Array<INodeProperties & { values?: INodeProperties[] }>) {
				if ('type' in child) yield* fields([child], where);
				if (child.values) yield* fields(child.values, where);
			}
		}
	}
	const hints = new Map<string, string>();
	for (const [property, where] of fields(node.description.properties)) {
		if (typeof property.hint === 'string' && /binary field/i.test(property.hint)) hints.set(`${where} ${property.name}`, property.hint);
	}

	/** The fields that take one binary field; every other field with a binary-field hint takes several. */
	const ONE = [
		'bria:editImage imageField', 'bria:editImage maskField', 'kling:generateImage referenceImage',
		'midjourney:describe imageField', 'midjourney:modal maskField', 'replicate:createPrediction binaryField', 'image:edit maskProperty',
	];
	const SOME_SEVERAL = [
		'image:edit imageProperties', 'image:chat inputImages', 'gemini:generateImage referenceImages', 'flux:generateImage referenceImage',
		'midjourney:blend blendImages', 'midjourney:imagine referenceImages',
	];
	const MASKS: Record<string, RegExp> = {
		'bria:editImage maskField': /^Mask rule: white pixels are edited, black pixels are kept\./,
		'midjourney:modal maskField': /^Mask rule: white pixels are edited, black pixels are kept\./,
		'image:edit maskProperty': /^Mask rule: fully transparent pixels are edited, opaque pixels are kept\./,
	};

	it('every family\'s binary fields have hints of their own (none says "Separate several names")', () => {
		expect([...hints.keys()]).toEqual(expect.arrayContaining([...ONE, ...SOME_SEVERAL]));
		for (const hint of hints.values()) expect(hint).not.toMatch(/Separate several names/);
	});

	it.each(ONE)('%s: "One binary field", with its formats and size limit', (key) => {
		expect(hints.get(key)).toMatch(MASKS[key] ? /Mask rule: .*One binary field: / : /^One binary field: /);
		expect(hints.get(key)).toMatch(/(PNG|JPEG).*\d+ MB/);
		expect(hints.get(key)).not.toMatch(/comma|several/i);
	});

	it('every other binary field: comma-separated binary fields, with their formats and size limit', () => {
		const several = [...hints.keys()].filter((key) => !ONE.includes(key));
		expect(several).toEqual(expect.arrayContaining(SOME_SEVERAL));
		for (const key of several) expect(hints.get(key)).toMatch(/^Binary fields, comma-separated: .*(PNG|JPEG).*\d+ MB/);
	});

	it.each(Object.keys(MASKS))('%s states its mask rule first, in its hint', (key) => {
		expect(hints.get(key)).toMatch(MASKS[key]);
	});

});

describe('Choices, not guesses', () => {
	const property = (resource: string, operation: string, name: string) =>
		node.description.properties.find((p) => p.name === name && p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions.show.operation?.includes(operation))!;

	it('Midjourney Button: the common buttons, a custom value, and a visible hint to $json.buttons', () => {
		const button = property('midjourney', 'action', 'button');
		expect(button).toMatchObject({ type: 'options', default: 'U1', allowArbitraryValues: true });
		const names = (button.options as Array<{ name: string }>).map((o) => o.name);
		for (const name of ['U1', 'U2', 'U3', 'U4', 'V1', 'V2', 'V3', 'V4', 'Reroll', 'Upscale (Subtle)', 'Upscale (Creative)', 'Vary (Subtle)', 'Vary (Strong)', 'Vary (Region)', 'Zoom Out 2x', 'Pan Left', 'Custom (Label or customId)']) {
			expect(names).toContain(name);
		}
		expect(button.hint).toContain('{{ $json.buttons }}');
		expect(property('midjourney', 'action', 'customButton').displayOptions?.show?.button).toEqual(['__custom']);
	});

	it('Replicate: Model and Input (JSON) have visible hints, each with an example', () => {
		expect(property('replicate', 'createPrediction', 'replicateModel').hint).toMatch(/owner\/name.*e\.g\. [\w-]+\/[\w.-]+/);
		expect(property('replicate', 'createPrediction', 'input').hint).toMatch(/e\.g\. \{"prompt": "[^"]+"/);
	});

	it('Midjourney Button: a listed button, a custom label, and a value saved when Button was free text all press the task’s button', async () => {
		const run = async (parameters: Record<string, unknown>) => {
			const result = await runCometApi({
				parameters: { resource: 'midjourney', operation: 'action', ...parameters },
				credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			});
			expect(result.error).toBeUndefined();
			return result.output[0];
		};
		const submitted = () => String(api.requests.filter((r) => r.path === '/mj/submit/action').at(-1)!.json?.customId);
		const imagine = await runCometApi({
			parameters: { resource: 'midjourney', operation: 'imagine', prompt: 'a fox' },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		});
		const taskId = imagine.output[0].json.taskId;
		await run({ taskId, button: 'V2' });
		expect(submitted()).toContain('::variation::2::');
		await run({ taskId, button: '__custom', customButton: 'u3' });
		expect(submitted()).toContain('::upsample::3::');
		await run({ taskId, button: '🔄' });
		expect(submitted()).toContain('::reroll::0::');
	});
});
