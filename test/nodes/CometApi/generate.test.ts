import { API_KEY, errorReply } from '../../helpers/fake-cometapi';
import { binaryBuffer, model, runCometApi, type RunOptions } from '../../helpers/harness';
import { makeJpeg, makePng } from '../../helpers/images';
import { useFakeCometApi } from '../../helpers/setup';

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

	// Options the editor hides (displayOptions inside the collection) do not apply, as in n8n's own nodes.
	it('Output Compression is sent with JPEG or WEBP and dropped while Output Format is PNG or unset', async () => {
		await generate({ options: { outputFormat: 'webp', outputCompression: 40 } });
		await generate({ options: { outputFormat: 'png', outputCompression: 40 } });
		await generate({ options: { outputCompression: 40 } });
		expect(generations().map((r) => r.json)).toEqual([
			{ model: 'gpt-image-1', prompt: 'a paper boat on calm water', output_format: 'webp', output_compression: 40 },
			{ model: 'gpt-image-1', prompt: 'a paper boat on calm water', output_format: 'png' },
			{ model: 'gpt-image-1', prompt: 'a paper boat on calm water' },
		]);
	});

	it('Size (Custom) is sent as the size when Size is Custom and ignored otherwise', async () => {
		await generate({ options: { size: 'custom', customSize: ' 2048x2048 ' } });
		await generate({ options: { size: '1536x1024', customSize: '2048x2048' } });
		expect(generations().map((r) => r.json?.size)).toEqual(['2048x2048', '1536x1024']);
	});

	it('never sends response_format to gpt-image-* models (the API would refuse it)', async () => {
		const { error } = await generate({ options: { responseFormat: 'url' } });
		expect(error).toBeUndefined();
		expect(generations()[0].json).not.toHaveProperty('response_format');
	});

	it('surfaces the API’s own 400 message, its code and HTTP status', async () => {
		const { error, output } = await generate({ options: { additionalBodyFields: '{"response_format": "url"}' } });
		expect(output).toEqual([]);
		expect(error).toBeDefined();
		expect(error!.message).toMatch(/^Unknown parameter: 'response_format'\. \(request id: /);
		expect(error!.httpCode).toBe('400');
		expect(error!.description).toContain('response_format');
		expect(error!.description).toContain('code unknown_parameter');
		expect(error!.context).toMatchObject({ itemIndex: 0, apiErrorCode: 'unknown_parameter' });
	});

	it('a wrong key gives the API’s 401 message with a hint about the credential', async () => {
		const { error } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: 'x' },
			credentials: { apiKey: 'sk-wrong', baseUrl: api.baseUrl },
		});
		expect(error!.message).toMatch(/^Invalid token/);
		expect(error!.httpCode).toBe('401');
		expect(error!.description).toContain('API key');
		expect(JSON.stringify(error)).not.toContain('sk-wrong');
	});

	it('an HTML page instead of JSON says to check the Base URL', async () => {
		api.override(() => ({ status: 200, text: '<!doctype html><html><body>Welcome</body></html>', headers: { 'content-type': 'text/html' } }));
		const { error } = await generate();
		expect(error!.message).toBe('CometAPI answered with an HTML page instead of JSON');
		expect(error!.description).toContain('Base URL');
	});

	it('an HTML error page (a wrong path) also says to check the Base URL', async () => {
		const { error } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: 'x' },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl.replace(/\/v1$/, '/wrong') },
		});
		expect(error!.httpCode).toBe('404');
		expect(error!.message).toContain('HTML page');
		expect(error!.description).toContain('Base URL');
	});

	it('a 200 reply with no data list is a clear error', async () => {
		api.override(() => ({ json: { created: 1 } }));
		const { error } = await generate();
		expect(error!.message).toBe('CometAPI’s reply holds no images (no "data" list)');
	});

	it('an entry with neither b64_json nor url is a clear error', async () => {
		api.override(() => ({ json: { created: 1, data: [{ revised_prompt: 'x' }] } }));
		const { error } = await generate();
		expect(error!.message).toBe('Image 1 in CometAPI’s reply has neither "b64_json" nor "url"');
	});

	it('invalid base64 is a clear error, not a broken file', async () => {
		api.override(() => ({ json: { created: 1, data: [{ b64_json: 'iVBOR%%%not-base64***' }] } }));
		const { error } = await generate();
		expect(error!.message).toBe('Image 1 in CometAPI’s reply is not valid base64');
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

describe('Generate Image: bad input is refused before any request', () => {
	it.each([
		['an empty prompt', { prompt: '   ' }, 'Item 0: the Prompt is empty'],
		['a model expression that resolves to nothing', { modelId: model('={{ $json.missing }}', 'id') }, 'Item 0: the Model is empty'],
		[
			'invalid Additional Body Fields JSON',
			{ options: { additionalBodyFields: '{"watermark": fals' } },
			'Additional Body Fields (JSON) is not valid JSON',
		],
		[
			'Additional Body Fields that are not an object',
			{ options: { additionalBodyFields: '[1, 2]' } },
			'Additional Body Fields (JSON) must be a JSON object',
		],
		[
			'transparent background with jpeg',
			{ options: { background: 'transparent', outputFormat: 'jpeg' } },
			'Item 0: Background "Transparent" cannot be used with Output Format "JPEG"',
		],
		// the editor offers Output Compression only for JPEG or WEBP; an expression can still say png
		[
			'output compression with an expression resolving to png',
			{ options: { outputCompression: 50, outputFormat: '={{ "png" }}' } },
			'Item 0: Output Compression works only with Output Format "JPEG" or "WEBP"',
		],
		['Custom size without a value', { options: { size: 'custom' } }, 'Item 0: Size is "Custom" but Size (Custom) is empty'],
		[
			'Size (Custom) with an expression resolving to a preset size',
			{ options: { size: '={{ "1024x1024" }}', customSize: '2048x2048' } },
			'Item 0: Size (Custom) is set but Size is "1024x1024"',
		],
		[
			'an empty output field name',
			{ options: { binaryPropertyOutput: ' ' } },
			'Item 0: Put Output in Field is empty',
		],
	])('%s', async (_case, parameters, message) => {
		const { error } = await generate(parameters);
		expect(error).toBeDefined();
		expect(error!.message).toBe(message);
		expect(error!.context).toMatchObject({ itemIndex: 0 });
		expect(error!.description).toBeTruthy();
		expect(api.requests).toHaveLength(0);
	});
});
