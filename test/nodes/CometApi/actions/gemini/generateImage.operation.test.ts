import {
	answerGemini,
	finalImage,
	geminiReplyJson,
	googleError,
	imagePart,
	textPart,
	THOUGHT_IMAGE,
	USAGE,
	useFakeGeminiApi,
} from '../../../../helpers/fake-gemini';
import { binaryBuffer, model, type InputBinary, type InputItem } from '../../../../helpers/harness';
import { makeGif, makeJpeg, makePng, makeWebp } from '../../../../helpers/images';
import { failFirst } from '../../../../helpers/setup';

const fake = useFakeGeminiApi();
const { api } = fake;

const PATH = '/v1beta/models/gemini-3.1-flash-image:generateContent';
const product: InputBinary = { data: makePng(12, 10, 3), fileName: 'product.png', mimeType: 'image/png' };
const style: InputBinary = { data: makeJpeg(16, 16, 5), fileName: 'style.jpg', mimeType: 'image/jpeg' };
const withImages = (binary: Record<string, InputBinary>): { input: InputItem[] } => ({ input: [{ binary }] });
const b64 = (data: Buffer) => data.toString('base64');

describe('Gemini: Generate or Edit Image, the request', () => {
	it('sends the prompt to {host root}/v1beta/models/{model}:generateContent with the Bearer key, asking for text and image', async () => {
		const { error, output } = await fake.run();
		expect(error).toBeUndefined();
		expect(fake.sent()).toHaveLength(1);
		const [request] = fake.sent();
		expect(request.path).toBe(PATH); // below the host root, not below /v1
		expect(api.baseUrl.endsWith('/v1')).toBe(true);
		expect(request.headers.authorization).toMatch(/^Bearer sk-test-/);
		expect(request.headers['x-goog-api-key']).toBeUndefined();
		expect(request.json).toEqual({
			contents: [{ role: 'user', parts: [{ text: 'a lighthouse' }] }],
			generationConfig: { responseModalities: ['TEXT', 'IMAGE'] },
		});

		// the thought image is skipped; the final image is the one binary
		expect(output).toHaveLength(1);
		const [item] = output;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary!.data).toMatchObject({ fileName: 'image_1.png', mimeType: 'image/png', fileExtension: 'png' });
		expect(await binaryBuffer(item.binary!.data)).toEqual(makePng(8, 8, 1));
		expect(item.json).toEqual({
			model: 'gemini-3.1-flash-image',
			prompt: 'a lighthouse',
			text: 'Here is your image.',
			finishReason: 'STOP',
			usage: USAGE,
			imageIndex: 1,
			imageCount: 1,
			// usageMetadata × the token prices ($0.5 / $60 per M): thinking tokens are billed as output
			cost: { usd: 0.080565, basis: 'tokens', model: 'gemini-3.1-flash-image' },
		});
	});

	it('sends reference images as inlineData parts after the prompt: raw base64, MIME type from the bytes; aspect ratio and size in imageConfig', async () => {
		const sketch = makeWebp(20, 10);
		const { error, output } = await fake.run(
			{ referenceImages: 'product, style ,sketch', aspectRatio: '16:9', imageSize: '4K' },
			withImages({
				product: { ...product, mimeType: 'application/octet-stream' },
				style: { ...style, mimeType: 'image/png' }, // mislabelled: the bytes are a JPEG
				sketch: { data: sketch, fileName: 'sketch.webp', mimeType: 'image/webp' },
			}),
		);
		expect(error).toBeUndefined();
		expect(fake.sent()[0].json).toEqual({
			contents: [
				{
					role: 'user',
					parts: [
						{ text: 'a lighthouse' },
						{ inlineData: { mimeType: 'image/png', data: b64(product.data) } },
						{ inlineData: { mimeType: 'image/jpeg', data: b64(style.data) } },
						{ inlineData: { mimeType: 'image/webp', data: b64(sketch) } },
					],
				},
			],
			generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '4K' } },
		});
		expect(output[0].json).toMatchObject({ aspectRatio: '16:9', imageSize: '4K', referenceImages: ['product', 'style', 'sketch'] });
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(makePng(16, 9, 1));
	});

	it.each(['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'])('Aspect Ratio %s is sent as is', async (aspectRatio) => {
		const { error } = await fake.run({ aspectRatio });
		expect(error).toBeUndefined();
		expect(fake.sent()[0].json?.generationConfig).toEqual({ responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio } });
	});

	it.each(['1K', '2K', '4K'])('Image Size %s is sent as is', async (imageSize) => {
		await fake.run({ imageSize });
		expect(fake.sent()[0].json?.generationConfig).toEqual({ responseModalities: ['TEXT', 'IMAGE'], imageConfig: { imageSize } });
	});

	it('Response "Image Only" asks for images alone', async () => {
		await fake.run({ responseModalities: 'image' });
		expect(fake.sent()[0].json?.generationConfig).toEqual({ responseModalities: ['IMAGE'] });
	});

	it('System Instruction and Google Search grounding; the sources and searches go to the JSON', async () => {
		answerGemini((request) => ({
			parts: [textPart('It is sunny in Lisbon today.'), imagePart(finalImage(request))],
			groundingMetadata: {
				webSearchQueries: ['weather Lisbon today'],
				groundingChunks: [{ web: { uri: 'https://weather.example/lisbon', title: 'weather.example' } }, { web: { uri: 'https://weather.example/lisbon', title: 'weather.example' } }],
				searchEntryPoint: { renderedContent: '<div>…</div>' },
			},
		}));
		const { error, output } = await fake.run({
			prompt: 'Lisbon today, as a poster',
			options: { systemInstruction: 'You design travel posters.', googleSearch: true },
		});
		expect(error).toBeUndefined();
		expect(fake.sent()[0].json).toEqual({
			contents: [{ role: 'user', parts: [{ text: 'Lisbon today, as a poster' }] }],
			systemInstruction: { parts: [{ text: 'You design travel posters.' }] },
			tools: [{ google_search: {} }],
			generationConfig: { responseModalities: ['TEXT', 'IMAGE'] },
		});
		expect(output[0].json).toMatchObject({
			text: 'It is sunny in Lisbon today.',
			sources: [{ title: 'weather.example', uri: 'https://weather.example/lisbon' }],
			searchQueries: ['weather Lisbon today'],
		});
	});

	it('Additional Body Fields are merged last, objects key by key', async () => {
		const { error } = await fake.run({
			aspectRatio: '4:5',
			imageSize: '2K',
			options: {
				additionalBodyFields:
					'{"generationConfig": {"temperature": 0.4, "imageConfig": {"imageSize": "1K"}}, "safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}]}',
			},
		});
		expect(error).toBeUndefined();
		expect(fake.sent()[0].json).toEqual({
			contents: [{ role: 'user', parts: [{ text: 'a lighthouse' }] }],
			generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '4:5', imageSize: '1K' }, temperature: 0.4 },
			safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
		});
	});

	it('the default model is gemini-3.1-flash-image (the -preview IDs were shut down on 2026-06-25)', async () => {
		await fake.run();
		expect(fake.sent().map((r) => r.path)).toEqual([PATH]);
	});

	it('a model that does not exist: the error names the account’s Gemini image models that fit (GET /models)', async () => {
		const { error } = await fake.run({ modelId: model('gemini-2.5-flash-image-preview', 'id') });
		expect(error?.message).toMatch(/models\/gemini-2.5-flash-image-preview is not found/);
		expect(error?.description).toContain(
			'The model "gemini-2.5-flash-image-preview" is not available. Models of your account that fit this operation: gemini-2.5-flash-image, gemini-3.1-flash-image.',
		);
		expect(error?.context).toMatchObject({ reason: 'not_found', billed: 'no' });
	});

	it.each([
		['gemini-3-pro-image-preview', 'gemini-3-pro-image'],
		['gemini-3.1-flash-image-preview', 'gemini-3.1-flash-image'],
	])('a saved workflow naming the retired %s: sent as it is, then (not found) to %s', async (retired, successor) => {
		const { error, output } = await fake.run({ modelId: model(retired, 'id') });
		expect(error).toBeUndefined();
		expect(fake.sent().map((r) => r.path)).toEqual([`/v1beta/models/${retired}:generateContent`, `/v1beta/models/${successor}:generateContent`]);
		expect(output[0].json).toMatchObject({ model: successor, requestedModel: retired });
	});

	it('a retired ID CometAPI still serves is used as it is', async () => {
		api.override((request) =>
			request.path === '/v1beta/models/gemini-3-pro-image-preview:generateContent'
				? { json: geminiReplyJson({ parts: [imagePart(makePng(8, 8, 1))] }, 'gemini-3-pro-image-preview') }
				: undefined,
		);
		const { error, output } = await fake.run({ modelId: model('gemini-3-pro-image-preview', 'id') });
		expect(error).toBeUndefined();
		expect(fake.sent()).toHaveLength(1);
		expect(output[0].json.requestedModel).toBeUndefined();
	});

	it.each([
		['1:8', '512'],
		['8:1', '4K'],
		['1:4', '1K'],
		['4:1', '2K'],
	])('Nano Banana 2 (the default) takes %s at %s', async (aspectRatio, imageSize) => {
		const { error } = await fake.run({ aspectRatio, imageSize });
		expect(error).toBeUndefined();
		expect(fake.sent()[0].json?.generationConfig).toMatchObject({ imageConfig: { aspectRatio, imageSize } });
	});

	it('Nano Banana Pro takes the 10 ratios and 1K–4K', async () => {
		const { error } = await fake.run({ modelId: model('gemini-3-pro-image', 'id'), aspectRatio: '21:9', imageSize: '4K' });
		expect(error).toBeUndefined();
	});

	it('any model ID is accepted; a "models/" prefix is dropped', async () => {
		await fake.run({ modelId: model('gemini-3-pro-image', 'id') });
		await fake.run({ modelId: model('models/gemini-2.5-flash-image', 'id') });
		expect(fake.sent().map((r) => r.path)).toEqual([
			'/v1beta/models/gemini-3-pro-image:generateContent',
			'/v1beta/models/gemini-2.5-flash-image:generateContent',
		]);
	});

	it.each([
		['more than 14 reference images', { referenceImages: Array.from({ length: 15 }, (_, i) => `img${i}`).join(',') }, {}, 'lists 15 images, more than the 14'],
		['a missing binary field', { referenceImages: 'product, logo' }, { product }, 'has no binary property "logo"'],
		['a file that is not an image', { referenceImages: 'notes' }, { notes: { data: Buffer.from('hello'), fileName: 'notes.txt', mimeType: 'text/plain' } }, 'is not an image'],
		['an empty file', { referenceImages: 'product' }, { product: { ...product, data: Buffer.alloc(0) } }, 'is empty'],
		['an aspect ratio Gemini does not take', { aspectRatio: '={{ "7:3" }}' }, {}, 'Aspect Ratio "7:3" is not one Gemini takes'],
		['an image size Gemini does not take', { imageSize: '={{ "8K" }}' }, {}, 'Image Size "8K" is not one Gemini takes'],
		['an empty prompt', { prompt: ' ' }, {}, 'the Prompt is empty'],
		['1:8 on Nano Banana Pro', { modelId: model('gemini-3-pro-image', 'id'), aspectRatio: '1:8' }, {}, 'Aspect Ratio "1:8" is not one gemini-3-pro-image takes'],
		['512 on Nano Banana Pro', { modelId: model('gemini-3-pro-image', 'id'), imageSize: '512' }, {}, 'Image Size "512" is not one gemini-3-pro-image takes'],
		['a reference image over 7 MB', { referenceImages: 'big' }, { big: { data: Buffer.concat([makePng(8, 8, 1), Buffer.alloc(7 * 1024 * 1024)]), mimeType: 'image/png' } }, 'is 7.0 MB, more than the 7 MB Gemini takes for an inline image'],
		['invalid Additional Body Fields', { options: { additionalBodyFields: '{nope' } }, {}, 'is not valid JSON'],
	])('%s stops the item before any request', async (_case, parameters, binary, message) => {
		const { error } = await fake.run(parameters, withImages(binary as Record<string, InputBinary>));
		expect(error?.message).toContain(message);
		expect(error?.context).toMatchObject({ itemIndex: 0 });
		expect(api.requests).toHaveLength(0);
	});

	it('a GIF reference image is refused by the fake as Gemini refuses it, with Google’s message', async () => {
		const { error } = await fake.run({ referenceImages: 'anim' }, withImages({ anim: { data: makeGif(4, 4), fileName: 'a.gif', mimeType: 'image/gif' } }));
		expect(error?.message).toMatch(/^Unsupported MIME type: image\/gif/);
		expect(error).toMatchObject({ httpCode: '400' });
	});

	it('Google’s error envelope: the message is shown, 404 for an unknown model, not retried', async () => {
		const { error } = await fake.run({ modelId: model('imagen-4', 'id') });
		expect(error?.message).toContain('models/imagen-4 is not found for API version v1beta');
		expect(error).toMatchObject({ httpCode: '404' });
		expect(fake.sent()).toHaveLength(1);
	});

	it('a 503 is retried, then the image comes', async () => {
		failFirst(api, 1, googleError(503, 'The model is overloaded. Please try again later.', 'UNAVAILABLE'), PATH);
		const { error, output } = await fake.run({ options: { maxRetries: 1 } });
		expect(error).toBeUndefined();
		expect(fake.sent()).toHaveLength(2);
		expect(output).toHaveLength(1);
	});

	it('a wrong key gives CometAPI’s 401', async () => {
		const { error } = await fake.run({}, { credentials: { apiKey: 'sk-wrong', baseUrl: api.baseUrl } });
		expect(error).toMatchObject({ httpCode: '401', message: expect.stringMatching(/^Invalid token/) });
	});
});

describe('Gemini: Generate or Edit Image, the reply', () => {
	it('every final image becomes a binary (MIME type from the bytes), text parts are joined, thoughts left out', async () => {
		const jpeg = makeJpeg(8, 8, 2);
		answerGemini((request) => ({
			parts: [
				textPart('Thinking…', true),
				imagePart(THOUGHT_IMAGE, { thought: true }),
				textPart('First, the day view.'),
				imagePart(finalImage(request, 1)),
				textPart('Then the night view.'),
				imagePart(jpeg, { mimeType: 'image/png' }),
			],
		}));
		const { output } = await fake.run();
		expect(output).toHaveLength(2);
		expect(output.map((item) => item.binary!.data.fileName)).toEqual(['image_1.png', 'image_2.jpeg']);
		expect(output[1].binary!.data.mimeType).toBe('image/jpeg');
		expect(await binaryBuffer(output[1].binary!.data)).toEqual(jpeg);
		expect(output[0].json).toMatchObject({ text: 'First, the day view.\nThen the night view.', imageIndex: 1, imageCount: 2 });
		expect(JSON.stringify(output.map((item) => item.json))).not.toMatch(/Thinking|iVBOR|"thought"/);
	});

	it('snake_case parts and fields (inline_data, mime_type, usage_metadata, finish_reason) are read too', async () => {
		answerGemini((request) => ({
			snakeCase: true,
			parts: [imagePart(THOUGHT_IMAGE, { thought: true, snakeCase: true }), textPart('Done.'), imagePart(finalImage(request, 4), { snakeCase: true })],
		}));
		const { output } = await fake.run();
		expect(output).toHaveLength(1);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(makePng(8, 8, 4));
		expect(output[0].json).toMatchObject({ text: 'Done.', finishReason: 'STOP', usage: USAGE });
	});

	it('Include Thought Images outputs the thought images too, marked, with the thought text', async () => {
		const { output } = await fake.run({ options: { includeThoughts: true } });
		expect(output).toHaveLength(2);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(THOUGHT_IMAGE);
		expect(output[0].json).toMatchObject({ thought: true, imageIndex: 1, imageCount: 2, thoughtText: 'Planning the composition' });
		expect(output[1].json.thought).toBeUndefined();
	});

	it('All Images in One Item and Put Output in Field', async () => {
		answerGemini((request) => ({ parts: [imagePart(finalImage(request, 1)), imagePart(finalImage(request, 2))] }));
		const { output } = await fake.run({ options: { outputMode: 'allInOne', binaryPropertyOutput: 'banner' } });
		expect(output).toHaveLength(1);
		expect(Object.keys(output[0].binary!)).toEqual(['banner', 'banner_1']);
		expect(output[0].json).toMatchObject({ imageCount: 2, text: '', images: [{ binaryProperty: 'banner' }, { binaryProperty: 'banner_1' }] });
	});

	it('the usage goes into n8n’s token accounting', async () => {
		const { run } = await fake.run();
		expect(run.data.resultData.runData.CometAPI[0].metadata?.tokenUsage).toEqual({ inputTokens: 1290, outputTokens: 1120 });
	});

	it('a blocked prompt is an error quoting the block reason, with it as the error code for continueOnFail', async () => {
		answerGemini(() => ({ blockReason: 'PROHIBITED_CONTENT' }));
		const { error } = await fake.run();
		expect(error?.message).toBe('Gemini blocked the prompt (PROHIBITED_CONTENT)');
		const { output } = await fake.run({}, { continueOnFail: true });
		expect(output).toEqual([{ json: expect.objectContaining({ error: 'Gemini blocked the prompt (PROHIBITED_CONTENT)', code: 'PROHIBITED_CONTENT', itemIndex: 0 }), pairedItem: { item: 0 } }]);
	});

	it.each(['SAFETY', 'IMAGE_SAFETY', 'PROHIBITED_CONTENT', 'NO_IMAGE'])('a candidate ending in %s without an image is an error quoting the reason and the text', async (finishReason) => {
		answerGemini(() => ({ parts: [textPart('I can’t draw that.'), imagePart(THOUGHT_IMAGE, { thought: true })], finishReason, finishMessage: 'Unable to show the generated image.' }));
		const { error } = await fake.run();
		expect(error?.message).toContain(`(${finishReason}: Unable to show the generated image.)`);
		expect(error?.description).toContain('The model said: "I can’t draw that."');
		expect(error?.description).toContain('Turn off Fail When No Image');
	});

	it('with Fail When No Image off: an item with the text, the reason and imageCount 0', async () => {
		answerGemini(() => ({ parts: [textPart('I can’t draw that.')], finishReason: 'IMAGE_SAFETY' }));
		const { error, output } = await fake.run({ options: { failWhenNoImage: false } });
		expect(error).toBeUndefined();
		expect(output).toEqual([{ json: expect.objectContaining({ text: 'I can’t draw that.', finishReason: 'IMAGE_SAFETY', imageCount: 0 }), pairedItem: { item: 0 } }]);
		expect(output[0].binary).toBeUndefined();

		answerGemini(() => ({ blockReason: 'SAFETY' }));
		const blocked = await fake.run({ options: { failWhenNoImage: false } });
		expect(blocked.output[0].json).toMatchObject({ blockReason: 'SAFETY', text: '', imageCount: 0 });
	});

	it('a text-only reply that ended normally is an error quoting the text', async () => {
		answerGemini(() => ({ parts: [textPart('Sure! What style would you like?')] }));
		const { error } = await fake.run();
		expect(error?.message).toBe('Gemini’s reply holds no image');
		expect(error?.description).toContain('What style would you like?');
	});

	it('a reply without candidates or a block reason is an error', async () => {
		answerGemini(() => ({ reply: { json: { usageMetadata: USAGE } } }));
		const { error } = await fake.run();
		expect(error?.message).toBe('Gemini’s reply holds no candidates and no block reason');
	});

	it.each([false, true])('a reply sent in 5-byte pieces (snake_case: %p) gives each image whole, decoded as it arrived', async (snakeCase) => {
		const image = makePng(30, 20, 9);
		answerGemini((request) => {
			const json = geminiReplyJson({ parts: [textPart('here'), imagePart(image, { snakeCase })], snakeCase }, request.model);
			return { reply: { status: 200, headers: { 'content-type': 'application/json' }, chunks: JSON.stringify(json).match(/[^]{1,5}/g)! } };
		});
		const { error, output } = await fake.run();
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect(output[0].json.text).toBe('here');
		expect((await binaryBuffer(output[0].binary!.data)).equals(image)).toBe(true);
	});

	it('an inline image that is not valid base64 is an error, not a broken file', async () => {
		answerGemini(() => ({ parts: [{ inlineData: { mimeType: 'image/png', data: 'not*base64' } }] }));
		const { error } = await fake.run();
		expect(error?.message).toBe('Image 1 in Gemini’s reply is not valid base64');
	});

	it('three items: one request each, outputs in input order and paired', async () => {
		const input = ['red', 'green', 'blue'].map((colour) => ({ json: { colour } }));
		const { output } = await fake.run({ prompt: '={{ $json.colour }} kite' }, { input });
		expect(fake.sent().map((r) => (r.json?.contents as Array<{ parts: Array<{ text: string }> }>)[0].parts[0].text).sort()).toEqual(['blue kite', 'green kite', 'red kite']);
		expect(output.map((item) => [item.json.prompt, item.pairedItem])).toEqual([
			['red kite', { item: 0 }],
			['green kite', { item: 1 }],
			['blue kite', { item: 2 }],
		]);
	});
});
