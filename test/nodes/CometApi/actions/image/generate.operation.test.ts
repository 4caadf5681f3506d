import { API_KEY, errorReply } from '../../../../helpers/fake-cometapi';
import { binaryBuffer, model, runCometApi, type RunOptions } from '../../../../helpers/harness';
import { makeJpeg, makePng } from '../../../../helpers/images';
import { useFakeCometApi } from '../../../../helpers/setup';

const api = useFakeCometApi();

function generate(parameters: Record<string, unknown> = {}, extra: Partial<RunOptions> = {}) {
	return runCometApi({
		parameters: {
			resource: 'image',
			operation: 'generate',
			prompt: 'a paper boat on calm water',
			...parameters,
		},
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		...extra,
	});
}

const generations = () => api.requests.filter((r) => r.path === '/v1/images/generations');

describe('Generate Image', () => {
	it('sends the default request and turns the base64 image into a PNG binary', async () => {
		const { output, error } = await generate();
		expect(error).toBeUndefined();
		expect(generations()).toHaveLength(1);
		const [request] = generations();
		expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		// Only what the user set: model and prompt by default.
		expect(request.json).toEqual({ model: 'gpt-image-1', prompt: 'a paper boat on calm water' });

		expect(output).toHaveLength(1);
		const [item] = output;
		expect(item.pairedItem).toEqual({ item: 0 });
		const binary = item.binary!.data;
		expect(binary.mimeType).toBe('image/png');
		expect(binary.fileName).toBe('image_1.png');
		expect(binary.fileExtension).toBe('png');
		expect(await binaryBuffer(binary)).toEqual(makePng(8, 8, 1));
		expect(item.json).toEqual({
			model: 'gpt-image-1',
			prompt: 'a paper boat on calm water',
			usage: { input_tokens: 12, output_tokens: 4160, total_tokens: 4172 },
			created: 1763700000,
			imageIndex: 1,
			imageCount: 1,
			// the reply's usage × the price list's token prices (fake-prices.ts: $5 / $40 per M tokens)
			cost: { usd: 0.16646, basis: 'tokens', model: 'gpt-image-1' },
		});
	});

	it('n=3 gives three items, one per image, each paired with the input item', async () => {
		const { output } = await generate({ options: { n: 3 } });
		expect(generations()[0].json).toMatchObject({ n: 3 });
		expect(output).toHaveLength(3);
		expect(output.map((item) => item.binary!.data.fileName)).toEqual(['image_1.png', 'image_2.png', 'image_3.png']);
		expect(output.map((item) => item.json.imageIndex)).toEqual([1, 2, 3]);
		expect(output.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		const buffers = await Promise.all(output.map((item) => binaryBuffer(item.binary!.data)));
		expect(buffers).toEqual([makePng(8, 8, 1), makePng(8, 8, 2), makePng(8, 8, 3)]);
	});

	it('all images in one item under a custom binary property: pics, pics_1, pics_2', async () => {
		const { output } = await generate({
			options: { n: 3, outputMode: 'allInOne', binaryPropertyOutput: 'pics' },
		});
		expect(output).toHaveLength(1);
		const binary = output[0].binary!;
		expect(Object.keys(binary)).toEqual(['pics', 'pics_1', 'pics_2']);
		expect([binary.pics, binary.pics_1, binary.pics_2].map((b) => b.fileName)).toEqual([
			'image_1.png',
			'image_2.png',
			'image_3.png',
		]);
		expect(output[0].json.imageCount).toBe(3);
		expect(output[0].json.images).toEqual([
			{ binaryProperty: 'pics' },
			{ binaryProperty: 'pics_1' },
			{ binaryProperty: 'pics_2' },
		]);
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});

	it('output format jpeg gives JPEG binaries named .jpeg with the right MIME type', async () => {
		const { output } = await generate({ options: { outputFormat: 'jpeg', outputCompression: 80 } });
		expect(generations()[0].json).toMatchObject({ output_format: 'jpeg', output_compression: 80 });
		const binary = output[0].binary!.data;
		expect(binary.mimeType).toBe('image/jpeg');
		expect(binary.fileName).toBe('image_1.jpeg');
		expect(await binaryBuffer(binary)).toEqual(makeJpeg(8, 8, 1));
		expect(output[0].json.output_format).toBe('jpeg');
	});

	it('names files from the real bytes, not from what was asked', async () => {
		api.override((request) =>
			request.path === '/v1/images/generations'
				? { json: { created: 1, data: [{ b64_json: makePng(2, 2).toString('base64') }] } }
				: undefined,
		);
		const { output } = await generate({ options: { outputFormat: 'webp' } });
		expect(output[0].binary!.data.fileName).toBe('image_1.png');
		expect(output[0].binary!.data.mimeType).toBe('image/png');
	});

	it('keeps base64 out of the JSON', async () => {
		const { output } = await generate({ options: { n: 2 } });
		const json = JSON.stringify(output.map((item) => item.json));
		expect(json).not.toContain(makePng(8, 8, 1).toString('base64').slice(0, 24));
		expect(json).not.toContain('b64_json');
	});

	it('downloads URL results without the API key and reports revised_prompt', async () => {
		const { output, error } = await generate({ modelId: model('dall-e-3'), options: { responseFormat: 'url' } });
		expect(error).toBeUndefined();
		expect(generations()[0].json).toEqual({
			model: 'dall-e-3',
			prompt: 'a paper boat on calm water',
			response_format: 'url',
		});
		expect(api.imageHost.requests).toHaveLength(1);
		expect(api.imageHost.requests[0].headers.authorization).toBeUndefined();
		expect(JSON.stringify(api.imageHost.requests[0].headers)).not.toContain(API_KEY);
		const [item] = output;
		expect(await binaryBuffer(item.binary!.data)).toEqual(makePng(8, 8, 1));
		expect(item.json.revised_prompt).toBe('a paper boat on calm water, in detail');
		expect(item.json.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cdn\//);
	});

	it('keeps URLs only when Download Image URLs is off', async () => {
		const { output } = await generate({ modelId: model('dall-e-3', 'id'), options: { downloadUrls: false } });
		expect(api.imageHost.requests).toHaveLength(0);
		expect(output).toHaveLength(1);
		expect(output[0].binary).toBeUndefined();
		expect(output[0].json.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cdn\//);
	});


	it('an API error reply is mapped even with continueOnFail, one error item per failed input', async () => {
		api.override(() => errorReply(403, 'insufficient_user_quota: token quota is not enough', 'insufficient_user_quota'));
		const { output } = await generate({}, { continueOnFail: true });
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({
			error: expect.stringMatching(/^insufficient_user_quota: token quota is not enough/),
			httpCode: '403',
			code: 'insufficient_user_quota',
			itemIndex: 0,
		});
		expect(output[0].json.description).toContain('top up');
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});
});

describe('Generate Image: a model that does not exist', () => {
	it('the error names the account’s generation models (GET /models), not chat or edit models; not billed', async () => {
		api.override((request) =>
			request.path === '/v1/images/generations'
				? errorReply(404, 'model gpt-image-0 not found', 'model_not_found')
				: undefined,
		);
		const { error, output } = await generate({ modelId: model('gpt-image-0', 'id') }, { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(output[0].json).toMatchObject({ httpCode: '404', code: 'model_not_found', reason: 'not_found', billed: 'no' });
		expect(output[0].json.description).toContain(
			'The model "gpt-image-0" is not available. Models of your account that fit this operation: dall-e-3, doubao-seedream-4-0-250828, gpt-image-1.',
		);
		expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/images/generations', 'GET /v1/models']);
	});

	it('other refusals do not read the model list', async () => {
		api.override((request) => (request.path === '/v1/images/generations' ? errorReply(400, 'Invalid size', 'invalid_value', 'size') : undefined));
		const { output } = await generate({}, { continueOnFail: true });
		expect(String(output[0].json.description)).not.toContain('Models of your account');
		expect(api.requests.map((r) => r.path)).toEqual(['/v1/images/generations']);
	});
});

describe('Generate Image: GPT image sizes and qualities per model', () => {
	it.each(['2048x2048', '2048x1152', '3840x2160', '2160x3840'])('gpt-image-2 takes the preset %s', async (size) => {
		const { error, output } = await generate({ modelId: model('gpt-image-2', 'id'), options: { size } });
		expect(error).toBeUndefined();
		expect(generations()[0].json).toMatchObject({ model: 'gpt-image-2', size });
		expect(output[0].json).toMatchObject({ size });
	});

	it('gpt-image-2 takes a custom size within the rules (edges multiples of 16, ≤ 3840, ≤ 3:1, 655,360–8,294,400 pixels)', async () => {
		const { error } = await generate({ modelId: model('gpt-image-2', 'id'), options: { size: 'custom', customSize: '3840x1280' } });
		expect(error).toBeUndefined();
		expect(generations()[0].json).toMatchObject({ size: '3840x1280' });
	});

	it.each([
		['gpt-image-2', '2050x2048', /both edges must be multiples of 16/],
		['gpt-image-2', '3856x2160', /an edge may be at most 3840/],
		['gpt-image-2', '3840x1264', /long edge may be at most 3 times/],
		['gpt-image-2', '512x512', /655,360 to 8,294,400 pixels, and 512x512 has 262,144/],
		['gpt-image-2', '2K', /takes a size as WIDTHxHEIGHT/],
		['gpt-image-2.5-flare', '4096x2048', /an edge may be at most 3840/],
		['gpt-image-1', '2048x2048', /gpt-image-1 takes only the sizes 1024x1024, 1536x1024, 1024x1536 or auto/],
		['gpt-image-1.5', '1792x1024', /takes only the sizes/],
	])('%s: the size %s is refused before anything is sent', async (id, customSize, message) => {
		const { error } = await generate({ modelId: model(id, 'id'), options: { size: 'custom', customSize } });
		expect(error?.message).toMatch(message);
		expect(error?.context).toMatchObject({ billed: 'no' });
		expect(api.requests).toHaveLength(0);
	});

	it('other models keep any size (Seedream 2K, dall-e-3 1792x1024)', async () => {
		await generate({ modelId: model('doubao-seedream-4-0-250828', 'id'), options: { size: 'custom', customSize: '2K' } });
		await generate({ modelId: model('dall-e-3', 'id'), options: { size: '1792x1024' } });
		expect(generations().map((r) => r.json?.size)).toEqual(['2K', '1792x1024']);
	});

	it('Quality xhigh and max go to gpt-image-2.5 and later; refused before sending for earlier models', async () => {
		const { error } = await generate({ modelId: model('gpt-image-2.5-flare', 'id'), options: { quality: 'xhigh' } });
		expect(error).toBeUndefined();
		expect(generations()[0].json).toMatchObject({ quality: 'xhigh' });
		const refused = await generate({ modelId: model('gpt-image-2', 'id'), options: { quality: 'max' } });
		expect(refused.error?.message).toMatch(/Quality "max" is for gpt-image-2.5 and later, not gpt-image-2/);
		expect(generations()).toHaveLength(1);
	});
});
