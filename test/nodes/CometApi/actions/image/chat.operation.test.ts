import seedReply from '../../../../fixtures/chat/gpt-4o-image.reply.json';
import {
	answerChat,
	CHAT_PROMPT,
	dataUri,
	DEFAULT_USAGE,
	gpt4oImageAnswer,
	sseReply,
	sseText,
	streamChunks,
	useFakeChatApi,
	type ChatRequest,
} from '../../../../helpers/fake-chat';
import { API_KEY, errorReply, type FakeReply } from '../../../../helpers/fake-cometapi';
import { binaryBuffer, model } from '../../../../helpers/harness';
import { makeGif, makeJpeg, makePng, makeWebp } from '../../../../helpers/images';
import { failFirst as failFirstAt } from '../../../../helpers/setup';

const fake = useFakeChatApi();

const CHAT = '/v1/chat/completions';
const chatRequests = () => fake.api.requests.filter((r) => r.path === CHAT);
const attempts = () => chatRequests().length;
const failFirst = (times: number, reply: FakeReply) => failFirstAt(fake.api, times, reply, CHAT);

/** The image host saw only plain GETs: never the API key, never any Authorization header. */
function expectNoCredentialsAtImageHost() {
	for (const request of fake.api.imageHost.requests) {
		expect(request.headers.authorization).toBeUndefined();
		expect(JSON.stringify(request.headers)).not.toContain(API_KEY);
	}
}

const png1 = makePng(8, 8, 1);
const png2 = makePng(8, 8, 2);
const jpeg = makeJpeg(8, 8, 3);

describe('Chat Image: gpt-4o-image (Markdown with CDN links)', () => {
	it('streams by default, downloads the Markdown image without credentials and skips its download twin', async () => {
		const { output, error } = await fake.run();
		expect(error).toBeUndefined();
		expect(chatRequests()).toHaveLength(1);
		const [request] = chatRequests();
		expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(request.json).toEqual({
			model: 'gpt-4o-image',
			messages: [{ role: 'user', content: CHAT_PROMPT }],
			stream: true,
			stream_options: { include_usage: true },
		});

		expect(output).toHaveLength(1);
		const [item] = output;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary!.data).toMatchObject({ mimeType: 'image/png', fileName: 'image_1.png' });
		expect(await binaryBuffer(item.binary!.data)).toEqual(png1);
		const url = `${fake.api.imageHost.origin}/cdn/20250415/gen1.png`;
		expect(item.json).toEqual({
			model: 'gpt-4o-image',
			prompt: CHAT_PROMPT,
			text: expect.stringContaining(`✅ Generation complete\n\n\n![gen_01jrw0e7j2fc2rp7evwe19y0q7](${url})`),
			finish_reason: 'stop',
			usage: { prompt_tokens: 21, completion_tokens: 373, total_tokens: 394 },
			imageSources: [url],
			imageIndex: 1,
			imageCount: 1,
			url,
			// gpt-4o-image has no pricing in the price list (fake-prices.ts)
			cost: { basis: 'unknown', model: 'gpt-4o-image', note: 'the model has no price in CometAPI’s price list' },
		});
		expect(fake.api.imageHost.requests.map((r) => r.path)).toEqual(['/cdn/20250415/gen1.png']);
		expectNoCredentialsAtImageHost();
	});

	it('the real gpt-4o-image reply (non-streamed): the final image, not the progress link', async () => {
		const filesystemUrl = fake.api.imageHost.publish('filesystem/cdn/20250415/CK1wClwp1so6YTPImkPlJpZD8KlrEM.png', png2);
		const progressUrl = fake.api.imageHost.publish('videos/vg-assets/src_0.png', png1);
		const reply = JSON.parse(
			JSON.stringify(seedReply)
				.replace('https://filesystem.site/cdn/20250415/CK1wClwp1so6YTPImkPlJpZD8KlrEM.png', filesystemUrl)
				.replace(/https:\/\/videos\.openai\.com\/vg-assets\/[^)]+/, progressUrl),
		) as Record<string, unknown>;
		answerChat(() => ({ reply: { json: reply } }));

		const { output, error } = await fake.run({ options: { stream: false } });
		expect(error).toBeUndefined();
		expect(chatRequests()[0].json?.stream).toBe(false);
		expect(output).toHaveLength(1);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(png2);
		expect(output[0].json).toMatchObject({
			model: 'gpt-4o-image',
			finish_reason: 'stop',
			usage: seedReply.usage,
			imageSources: [filesystemUrl],
		});
		expect(output[0].json.text).toContain('>🏃 Progress 14...37...61...74..[100]');
		expect(fake.api.imageHost.requests.map((r) => r.path)).toEqual(['/filesystem/cdn/20250415/CK1wClwp1so6YTPImkPlJpZD8KlrEM.png']);
		expectNoCredentialsAtImageHost();
	});
});

describe('Chat Image: every reply shape, streamed and not', () => {
	const shapes: Array<[string, (request: ChatRequest) => ReturnType<typeof gpt4oImageAnswer>]> = [
		[
			'Gemini-style Markdown data URIs',
			() => ({ content: `Here is a cat for you! \n![image](${dataUri(png1)})\n![image](${dataUri(jpeg, 'image/jpeg')})` }),
		],
		[
			'content parts with image_url (raw base64 and data URL)',
			() => ({
				content: [
					{ type: 'text', text: 'Here is a cat for you!' },
					{ type: 'image_url', image_url: { url: png1.toString('base64') } },
					{ type: 'image_url', image_url: { url: dataUri(jpeg, 'image/jpeg') } },
				],
			}),
		],
		[
			'message.images[]',
			() => ({
				content: 'Here is a cat for you!',
				images: [
					{ type: 'image_url', image_url: { url: dataUri(png1) } },
					{ type: 'image_url', image_url: { url: dataUri(jpeg, 'image/jpeg') } },
				],
			}),
		],
	];

	for (const stream of [true, false]) {
		it.each(shapes)(`%s (stream ${stream ? 'on' : 'off'}): two inline images with the right types`, async (_name, answer) => {
			answerChat(answer);
			const { output, error } = await fake.run({
				modelId: model('gemini-2.5-flash-image'),
				options: { stream },
			});
			expect(error).toBeUndefined();
			expect(chatRequests()[0].json?.stream).toBe(stream);
			expect(output).toHaveLength(2);
			expect(output.map((item) => item.binary!.data.mimeType)).toEqual(['image/png', 'image/jpeg']);
			expect(output.map((item) => item.binary!.data.fileName)).toEqual(['image_1.png', 'image_2.jpeg']);
			expect(await binaryBuffer(output[0].binary!.data)).toEqual(png1);
			expect(await binaryBuffer(output[1].binary!.data)).toEqual(jpeg);
			for (const item of output) {
				expect(item.json).toMatchObject({
					model: 'gemini-2.5-flash-image',
					text: 'Here is a cat for you!',
					finish_reason: 'stop',
					usage: DEFAULT_USAGE,
					imageSources: ['inline', 'inline'],
				});
				expect(JSON.stringify(item.json)).not.toContain('base64');
			}
			expect(fake.api.imageHost.requests).toHaveLength(0);
		});
	}

	it('three images in one reply (a Markdown link, a data URI and an image part), all in one item', async () => {
		answerChat((_request, context) => {
			const url = context.imageHost.publish('cdn/first.png', png1);
			return {
				content: [
					{ type: 'text', text: `One ![a](${url}) two ![image](${dataUri(makeWebp(8, 8), 'image/webp')}) three` },
					{ type: 'image_url', image_url: { url: dataUri(makeGif(8, 8), 'image/gif') } },
				],
			};
		});
		const { output, error } = await fake.run({ options: { outputMode: 'allInOne', binaryPropertyOutput: 'picture' } });
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		const binary = output[0].binary!;
		expect(Object.keys(binary)).toEqual(['picture', 'picture_1', 'picture_2']);
		expect(Object.values(binary).map((b) => b.mimeType)).toEqual(['image/png', 'image/webp', 'image/gif']);
		expect(await binaryBuffer(binary.picture)).toEqual(png1);
		expect(await binaryBuffer(binary.picture_1)).toEqual(makeWebp(8, 8));
		expect(await binaryBuffer(binary.picture_2)).toEqual(makeGif(8, 8));
		const url = `${fake.api.imageHost.origin}/cdn/first.png`;
		expect(output[0].json).toMatchObject({
			imageCount: 3,
			imageSources: [url, 'inline', 'inline'],
			text: `One ![a](${url}) two  three`,
		});
		expectNoCredentialsAtImageHost();
	});

	it('a data URI split across many stream events and network chunks (CRLF, cuts inside UTF-8 characters)', async () => {
		const big = makePng(64, 64, 5);
		answerChat(() => ({
			content: `Voilà ✅ 🏃: ![image](${dataUri(big)}) — fin`,
			stream: { pieceChars: 5, chunkBytes: 3, lineEnding: '\r\n' },
		}));
		const { output, error } = await fake.run();
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(big);
		expect(output[0].json.text).toBe('Voilà ✅ 🏃:  — fin');
	});

	it('a relay that ignores stream: true and answers JSON, or streams when asked not to', async () => {
		answerChat((request) => ({ reply: { json: { model: request.model, choices: [{ message: { content: `![image](${dataUri(png1)})` }, finish_reason: 'stop' }] } } }));
		let run = await fake.run();
		expect(run.error).toBeUndefined();
		expect(await binaryBuffer(run.output[0].binary!.data)).toEqual(png1);

		answerChat((request) => ({ reply: sseReply(sseText(streamChunks({ content: `![image](${dataUri(png2)})` }, request.model))) }));
		run = await fake.run({ options: { stream: false } });
		expect(run.error).toBeUndefined();
		expect(await binaryBuffer(run.output[0].binary!.data)).toEqual(png2);
	});
});

describe('Chat Image: input images and the request', () => {
	it('input images arrive as image_url parts with base64 data URLs of the right MIME type, after a system message', async () => {
		const photo = makeJpeg(16, 16, 9);
		const { error, output } = await fake.run(
			{
				prompt: 'Put a hat on the cat',
				inputImages: 'data, photo',
				options: { systemMessage: 'You are an illustrator.' },
			},
			{
				input: [
					{
						binary: {
							data: { data: png1, fileName: 'cat.png', mimeType: 'image/png' },
							// A wrong MIME type on the binary: the bytes decide.
							photo: { data: photo, fileName: 'hat', mimeType: 'application/octet-stream' },
						},
					},
				],
			},
		);
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect(chatRequests()[0].json?.messages).toEqual([
			{ role: 'system', content: 'You are an illustrator.' },
			{
				role: 'user',
				content: [
					{ type: 'text', text: 'Put a hat on the cat' },
					{ type: 'image_url', image_url: { url: `data:image/png;base64,${png1.toString('base64')}` } },
					{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${photo.toString('base64')}` } },
				],
			},
		]);
	});

	it('keeps GIF input images (Edit Image refuses them): sent as a data:image/gif URL', async () => {
		const gif = makeGif(16, 16);
		const { error } = await fake.run(
			{ inputImages: 'data' },
			{ input: [{ binary: { data: { data: gif, fileName: 'anim.gif', mimeType: 'image/gif' } } }] },
		);
		expect(error).toBeUndefined();
		const [message] = chatRequests()[0].json?.messages as Array<{ content: unknown[] }>;
		expect(message.content[1]).toEqual({ type: 'image_url', image_url: { url: `data:image/gif;base64,${gif.toString('base64')}` } });
	});

	it('a missing input binary stops the item before any request, naming the property', async () => {
		const { error } = await fake.run({ inputImages: 'photo' }, { input: [{ binary: { data: { data: png1, mimeType: 'image/png' } } }] });
		expect(error?.message).toBe('Item 0: the input item has no binary property "photo" (Input Image Fields)');
		expect(chatRequests()).toHaveLength(0);
	});

	it('an empty prompt stops the item before any request, with its index', async () => {
		const { error } = await fake.run({ prompt: '  ' });
		expect(error?.message).toBe('Item 0: the Prompt is empty');
		expect(chatRequests()).toHaveLength(0);
	});
});

describe('Chat Image: failures', () => {
	it('an SSE error event becomes an error with CometAPI’s message and code', async () => {
		answerChat((request) => ({
			reply: sseReply(
				sseText(streamChunks({ content: 'Generating…' }, request.model).slice(0, 2), { noDone: true }) +
					'event: error\ndata: {"error":{"message":"upstream image service overloaded (request id: 42)","type":"comet_api_error","code":"upstream_error"}}\n\n',
			),
		}));
		const { error } = await fake.run();
		expect(error?.message).toBe('upstream image service overloaded (request id: 42)');
		expect(error?.description).toContain('code upstream_error');
		expect(error?.name).toBe('NodeApiError');
	});

	it('an error chunk in the stream (quota used up) shows its hint', async () => {
		answerChat(() => ({ reply: sseReply('data: {"error":{"message":"user quota is not enough","code":"insufficient_user_quota"}}\n\n') }));
		const { error } = await fake.run();
		expect(error?.message).toBe('user quota is not enough');
		expect(error?.description).toContain('top up');
	});

	it('an error reply before the stream starts (HTTP 400) carries the status', async () => {
		fake.api.override((request) =>
			request.path === '/v1/chat/completions' ? errorReply(400, 'model gpt-4o-imag not found', 'model_not_found') : undefined,
		);
		const { error } = await fake.run();
		expect(error?.message).toMatch(/^model gpt-4o-imag not found/);
		expect(error?.httpCode).toBe('400');
	});

	it('a JSON reply with an error and no choices (HTTP 200) is CometAPI’s error; without either it says what came', async () => {
		answerChat(() => ({ reply: { json: { error: { message: 'upstream returned no candidates', code: 'empty_response' } } } }));
		let run = await fake.run({ options: { stream: false } });
		expect(run.error?.message).toBe('upstream returned no candidates');
		expect(run.error?.description).toContain('code empty_response');

		answerChat(() => ({ reply: { json: { id: 'x', object: 'chat.completion', choices: [] } } }));
		run = await fake.run({ options: { stream: false } });
		expect(run.error?.message).toBe('CometAPI’s reply holds no choices');
		expect(run.error?.description).toContain('id, object, choices');
	});

	it('a stream that ends before the reply is complete is an error, not a damaged image', async () => {
		answerChat((request) => {
			const text = sseText(streamChunks({ content: `![image](${dataUri(makePng(64, 64, 1))})` }, request.model), { noDone: true });
			return { reply: sseReply(text.slice(0, Math.floor(text.length / 2))) };
		});
		const { error } = await fake.run();
		expect(error?.message).toBe('CometAPI’s stream ended before the reply was complete');
	});

	it('the timeout bounds the wait for the next piece of a stream, not the whole stream', async () => {
		const slowStream = (pieces: number, delayMs: number) => (request: ChatRequest) => {
			const text = sseText(streamChunks({ content: `![image](${dataUri(png1)})` }, request.model));
			return { reply: { ...sseReply(text, Math.ceil(Buffer.byteLength(text) / pieces)), chunkDelayMs: delayMs } };
		};
		answerChat(slowStream(2, 1200));
		let run = await fake.run({ options: { timeout: 1 } });
		expect(run.error?.message).toBe('CometAPI’s stream stalled for more than 1 s (the Timeout option)');

		// Three pieces 600 ms apart: longer than the 1 s timeout in all, but never 1 s without data.
		answerChat(slowStream(3, 600));
		run = await fake.run({ options: { timeout: 1 } });
		expect(run.error).toBeUndefined();
		expect(await binaryBuffer(run.output[0].binary!.data)).toEqual(png1);
	});

	it.each([
		['a data URI', `![image](data:image/png;base64,iVBORw0KGgo=AAAANSUhEUg)`],
		['a raw base64 image part', [{ type: 'image_url', image_url: { url: 'iVBORw0KGgo%%%AAAANSUhEUg' } }]],
	])('invalid base64 in %s is a clear error', async (_name, content) => {
		answerChat(() => ({ content }));
		const { error, output } = await fake.run();
		expect(output).toHaveLength(0);
		expect(error?.message).toBe('Image 1 in the model’s reply is not valid base64');
	});

	it('a download over the size cap is an error naming the host', async () => {
		answerChat((_request, context) => {
			const url = context.imageHost.publish('cdn/huge.png', Buffer.concat([png1, Buffer.alloc(1.5 * 1024 * 1024)]));
			return { content: `![big](${url})` };
		});
		const { error } = await fake.run({ options: { maxDownloadSize: 1 } });
		expect(error?.message).toBe(`The image at ${new URL(fake.api.imageHost.origin).host} is larger than 1 MB (Max Download Size)`);
		expect(error?.description).toContain('Raise Max Download Size (MB)');
		expectNoCredentialsAtImageHost();
	});

	it('a reply’s image links are capped (Max Image Links, default 10): no unbounded list of downloads', async () => {
		answerChat((_request, context) => ({
			content: Array.from({ length: 12 }, (_, i) => `![${i}](${context.imageHost.publish(`cdn/many-${i}.png`, makePng(4, 4, i + 1))})`).join('\n'),
		}));
		let run = await fake.run({ options: { outputMode: 'allInOne' } });
		expect(run.error).toBeUndefined();
		expect(fake.api.imageHost.requests).toHaveLength(10);
		expect(run.output[0].json).toMatchObject({ imageCount: 10, imageLinksSkipped: 2 });

		fake.api.reset();
		run = await fake.run({ options: { outputMode: 'allInOne', maxImageLinks: 3 } });
		expect(fake.api.imageHost.requests.map((r) => r.path)).toEqual(['/cdn/many-0.png', '/cdn/many-1.png', '/cdn/many-2.png']);
		expect(run.output[0].json).toMatchObject({ imageCount: 3, imageLinksSkipped: 9 });
	});

	it('the same image under the default cap (50 MB) downloads', async () => {
		const big = Buffer.concat([png1, Buffer.alloc(1.5 * 1024 * 1024)]);
		answerChat((_request, context) => ({ content: `![big](${context.imageHost.publish('cdn/huge.png', big)})` }));
		const { error, output } = await fake.run();
		expect(error).toBeUndefined();
		expect((await binaryBuffer(output[0].binary!.data)).length).toBe(big.length);
	});

	it('a failed download names the image host', async () => {
		answerChat((_request, context) => ({ content: `![gone](${context.imageHost.origin}/cdn/expired.png)` }));
		const { error } = await fake.run();
		expect(error?.message).toBe(`Downloading the image from ${new URL(fake.api.imageHost.origin).host} failed with HTTP 404`);
	});

	it('non-http URLs are ignored: no request goes to them and the http image is kept', async () => {
		answerChat((_request, context) => ({
			content: [
				{ type: 'text', text: '![a](ftp://127.0.0.1/a.png) ![b](file:///etc/passwd)' },
				{ type: 'image_url', image_url: { url: 'file:///etc/hosts' } },
				{ type: 'text', text: `![c](${context.imageHost.publish('cdn/c.png', png2)})` },
			],
		}));
		const { error, output } = await fake.run();
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect(output[0].json.imageSources).toEqual([`${fake.api.imageHost.origin}/cdn/c.png`]);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(png2);
		expect(fake.api.imageHost.requests.map((r) => r.path)).toEqual(['/cdn/c.png']);
	});

	it('a reply with only non-http image URLs has no image', async () => {
		answerChat(() => ({ content: '![a](ftp://127.0.0.1/a.png)' }));
		const { error } = await fake.run();
		expect(error?.message).toBe('The model’s reply holds no image: "![a](ftp://127.0.0.1/a.png)"');
	});
});

describe('Chat Image: a reply without an image', () => {
	const refusal = `I can't create images of real people. ${'I can describe one instead. '.repeat(20)}`;

	it('is an error quoting the start of the model’s text (Fail When No Image on, the default)', async () => {
		answerChat(() => ({ content: refusal }));
		const { error, output } = await fake.run();
		expect(output).toHaveLength(0);
		expect(error?.message).toMatch(/^The model’s reply holds no image: "I can't create images of real people\. I can describe/);
		expect(error?.message).toMatch(/…"$/);
		expect(error?.message.length).toBeLessThan(400);
		expect(error?.description).toContain('Fail When No Image');
	});

	it('names a finish reason other than stop, and an empty reply', async () => {
		answerChat(() => ({ content: '', finishReason: 'content_filter' }));
		const { error } = await fake.run();
		expect(error?.message).toBe('The model’s reply holds no image and no text (finish reason: content_filter)');
	});

	it('outputs the text alone, paired, when Fail When No Image is off', async () => {
		answerChat(() => ({ content: refusal }));
		const { error, output } = await fake.run({ options: { failWhenNoImage: false } });
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect(output[0].binary).toBeUndefined();
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[0].json).toEqual({
			model: 'gpt-4o-image',
			prompt: CHAT_PROMPT,
			text: refusal,
			finish_reason: 'stop',
			usage: DEFAULT_USAGE,
			imageSources: [],
			imageCount: 0,
			cost: { basis: 'unknown', model: 'gpt-4o-image', note: 'the model has no price in CometAPI’s price list' },
		});
	});
});

describe('Chat Image: several items', () => {
	const threeItems = [{ json: { animal: 'cat' } }, { json: { animal: 'dog' } }, { json: { animal: 'fox' } }];

	it('two images per item keep pairing with their own input items', async () => {
		answerChat((request) => {
			const prompt = String(request.messages[0].content);
			return { content: `${prompt}: ![image](${dataUri(png1)}) ![image](${dataUri(png2)})` };
		});
		const { error, output } = await fake.run({ prompt: '={{ $json.animal }}' }, { input: threeItems });
		expect(error).toBeUndefined();
		expect(output.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 1 },
			{ item: 1 },
			{ item: 2 },
			{ item: 2 },
		]);
		expect(output.map((item) => item.json.text)).toEqual(['cat:', 'cat:', 'dog:', 'dog:', 'fox:', 'fox:']);
	});

	it('continueOnFail: the middle item fails (no image), the others still give their images', async () => {
		answerChat((request) => {
			const prompt = String(request.messages[0].content);
			return prompt === 'dog' ? { content: 'No dogs today.' } : { content: `![image](${dataUri(png1)})` };
		});
		const { error, output } = await fake.run({ prompt: '={{ $json.animal }}' }, { input: threeItems, continueOnFail: true });
		expect(error).toBeUndefined();
		expect(chatRequests()).toHaveLength(3);
		expect(output).toHaveLength(3);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].binary?.data).toBeDefined();
		expect(output[1].binary).toBeUndefined();
		expect(output[1].json).toMatchObject({ error: 'The model’s reply holds no image: "No dogs today."', itemIndex: 1 });
		expect(output[2].binary?.data).toBeDefined();
	});
});

describe('Chat Image: retries and broken streams', () => {
	it('429 with Retry-After before a streamed reply, then success: 2 attempts, one image', async () => {
		failFirst(1, { ...errorReply(429, 'Rate limit reached'), headers: { 'retry-after': '0' } });
		const { output, error } = await fake.run();
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
		expect(output).toHaveLength(1);
		expect(output[0].binary?.data.mimeType).toBe('image/png');
	});

	it('524 (Cloudflare timeout) then success, without streaming: 2 attempts', async () => {
		failFirst(1, { status: 524, text: 'error code: 524', headers: { 'content-type': 'text/plain' } });
		const { output, error } = await fake.run({ options: { stream: false } });
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
		expect(output[0].binary?.data).toBeDefined();
	});

	it('500 forever with Max Retries 1: 2 attempts and CometAPI’s message', async () => {
		fake.api.override(() => errorReply(500, 'upstream provider error', 'upstream_error'));
		const { error } = await fake.run({ options: { maxRetries: 1 } });
		expect(attempts()).toBe(2);
		expect(error!.message).toMatch(/^upstream provider error \(request id: [^)]+\) \(after 2 attempts\)$/);
	});

	it('a stream cut off half-way is not retried (it would be billed again) and is a clear error', async () => {
		let answer = '';
		answerChat((request, context) => {
			answer = sseText(streamChunks(gpt4oImageAnswer(context), request.model));
			return { reply: { chunks: [answer.slice(0, Math.floor(answer.length / 2))] } };
		});
		const { error, output } = await fake.run();
		expect(answer).not.toBe('');
		expect(attempts()).toBe(1);
		expect(output).toEqual([]);
		expect(error!.message).toMatch(/stream/i);
	});

	it('a model not found (404 model_not_found) is not retried', async () => {
		fake.api.override(() => errorReply(404, 'model gpt-4o-imagee not found', 'model_not_found'));
		const { error } = await fake.run();
		expect(attempts()).toBe(1);
		expect(error!.httpCode).toBe('404');
		expect(error!.description).toContain('model ID');
	});
});

describe('Chat Image: Additional Body Fields', () => {
	it('Additional Body Fields win over the options, and a stream they ask for is read as a stream', async () => {
		const { error, output } = await fake.run({
			options: { stream: false, additionalBodyFields: '{"stream": true, "n": 1}' },
		});
		expect(error).toBeUndefined();
		expect(fake.api.requests[0].json).toMatchObject({ stream: true, n: 1, stream_options: { include_usage: true } });
		expect(output).toHaveLength(1);
	});

	it('Additional Body Fields that are not a JSON object stop the item before any request', async () => {
		const { error } = await fake.run({ options: { additionalBodyFields: '[1, 2]' } });
		expect(error?.message).toBe('Additional Body Fields (JSON) must be a JSON object');
		expect(fake.api.requests).toHaveLength(0);
	});
});
