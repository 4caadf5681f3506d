import { parseChatReply, removeDataUris } from '../../../../nodes/CometApi/helpers/chat-reply';
import seedReply from '../../../fixtures/chat/gpt-4o-image.reply.json';
import { makeGif, makeJpeg, makePng, makeWebp } from '../../../helpers/images';

const png = makePng(4, 4, 1);
const jpeg = makeJpeg(4, 4, 2);
const pngUri = `data:image/png;base64,${png.toString('base64')}`;
const jpegUri = `data:image/jpeg;base64,${jpeg.toString('base64')}`;

const sources = (messages: unknown[]) => parseChatReply(messages).images.map((image) => image.source);

describe('parseChatReply: gpt-4o-image (Markdown with CDN links)', () => {
	it('the real reply: only the final Markdown image, not the progress link to the same picture', () => {
		const message = seedReply.choices[0].message;
		const { images, text } = parseChatReply([message]);
		expect(images).toEqual([
			{ source: 'https://filesystem.site/cdn/20250415/CK1wClwp1so6YTPImkPlJpZD8KlrEM.png', inline: false },
		]);
		// No data URI in it: the text is the model's text as it came.
		expect(text).toBe(message.content);
		expect(text).toContain('✅ Generation complete');
	});

	it('drops the download twin of the image link (CometAPI-style mock, Chinese label)', () => {
		const content = [
			'{ "prompt": "A Tibetan Mastiff", "referenced_image_ids": ["file-K51ZztW2MdH2z9J6gQzxR7"] }',
			'',
			'> 进度 **2%**',
			'> 进度 **67%**',
			'',
			'![file_000000007a5451f7b4c098cb3d95dace](https://filesystem.site/cdn/20250330/JfAL6qr7iuQsq0UwLSfK8W2XvP1rgv.png)',
			'[下载⏬](https://filesystem.site/cdn/download/20250330/JfAL6qr7iuQsq0UwLSfK8W2XvP1rgv.png)',
		].join('\n');
		expect(sources([{ content }])).toEqual([
			'https://filesystem.site/cdn/20250330/JfAL6qr7iuQsq0UwLSfK8W2XvP1rgv.png',
		]);
	});

	it('several Markdown images in order; a download twin of each is dropped, a repeat counted once', () => {
		const content = [
			'![a](https://cdn.example/x/one.png) [Click to download](https://cdn.example/x/download/one.png)',
			'![b](https://cdn.example/x/two.webp)',
			'![a again](https://cdn.example/x/one.png)',
			'![c](https://pro.filesystem.site/cdn/three) [download](https://pro.filesystem.site/cdn/download/three)',
		].join('\n');
		expect(sources([{ content }])).toEqual([
			'https://cdn.example/x/one.png',
			'https://cdn.example/x/two.webp',
			'https://pro.filesystem.site/cdn/three',
		]);
	});

	it('a Markdown image wrapped in a link to its download', () => {
		const content = '[![preview](https://cdn.example/a.png)](https://cdn.example/download/a.png)';
		expect(sources([{ content }])).toEqual(['https://cdn.example/a.png']);
	});

	it('Markdown images with a title or angle brackets', () => {
		const content = '![one](https://cdn.example/1.png "first") ![two](<https://cdn.example/2.png>)';
		expect(sources([{ content }])).toEqual(['https://cdn.example/1.png', 'https://cdn.example/2.png']);
	});
});

describe('parseChatReply: Gemini models via chat (Markdown data URIs)', () => {
	it('finds each data URI in order and removes them from the text', () => {
		const content = `Here is a cat for you! \n![image](${pngUri})\nAnd a dog:\n![image](${jpegUri})`;
		const { images, text } = parseChatReply([{ role: 'assistant', content }]);
		expect(images).toEqual([
			{ source: pngUri, inline: true },
			{ source: jpegUri, inline: true },
		]);
		expect(text).toBe('Here is a cat for you!\n\nAnd a dog:');
		expect(text).not.toContain('base64');
	});

	it('bare data URIs in the text count too; other media data URIs are removed but are not images', () => {
		const content = `Result: ${pngUri} and a sound [media](data:audio/wav;base64,UklGRiQAAABXQVZF).`;
		const { images, text } = parseChatReply([{ content }]);
		expect(images.map((image) => image.source)).toEqual([pngUri]);
		expect(text).toBe('Result:  and a sound .');
	});

	it('a data URI repeated in the same reply is one image', () => {
		expect(sources([{ content: `![image](${pngUri})\n![image](${pngUri})` }])).toEqual([pngUri]);
	});
});

describe('parseChatReply: content parts and message.images', () => {
	it('image_url parts: data URIs, URLs, and raw base64 given its prefix from the bytes', () => {
		const message = {
			content: [
				{ type: 'text', text: 'Three images:' },
				{ type: 'image_url', image_url: { url: png.toString('base64') } },
				{ type: 'image_url', image_url: { url: jpeg.toString('base64') } },
				{ type: 'image_url', image_url: { url: 'https://cdn.example/img/3.png' } },
				{ type: 'image_url', image_url: makeWebp().toString('base64') },
			],
		};
		const { images, text } = parseChatReply([message]);
		expect(images).toEqual([
			{ source: pngUri, inline: true },
			{ source: jpegUri, inline: true },
			{ source: 'https://cdn.example/img/3.png', inline: false },
			{ source: `data:image/webp;base64,${makeWebp().toString('base64')}`, inline: true },
		]);
		expect(text).toBe('Three images:');
	});

	it('raw base64 that is not an image type it knows gets image/png, and is left for the decoder to judge', () => {
		expect(sources([{ content: [{ type: 'image_url', image_url: { url: 'bm90IGFuIGltYWdl' } }] }])).toEqual([
			'data:image/png;base64,bm90IGFuIGltYWdl',
		]);
		expect(sources([{ content: [{ type: 'image_url', image_url: { url: 'iVBOR***' } }] }])).toEqual([
			'data:image/png;base64,iVBOR***',
		]);
	});

	it('message.images[] (OpenRouter style) after the content; an image in both places counts once', () => {
		const gif = `data:image/gif;base64,${makeGif().toString('base64')}`;
		const message = {
			content: 'Here you go',
			images: [
				{ type: 'image_url', image_url: { url: pngUri } },
				{ type: 'image_url', image_url: { url: gif } },
				{ image_url: { url: pngUri } },
			],
		};
		expect(parseChatReply([message])).toEqual({
			images: [
				{ source: pngUri, inline: true },
				{ source: gif, inline: true },
			],
			text: 'Here you go',
		});
	});

	it('Gemini-style inline data parts', () => {
		const message = { content: [{ inline_data: { mime_type: 'image/png', data: png.toString('base64') } }] };
		expect(sources([message])).toEqual([pngUri]);
	});

	it('keeps the order of appearance across every shape', () => {
		const message = {
			content: [
				{ type: 'text', text: 'first ![a](https://cdn.example/a.png) then' },
				{ type: 'image_url', image_url: { url: jpegUri } },
				{ type: 'text', text: `third ![image](${pngUri})` },
			],
			images: [{ type: 'image_url', image_url: { url: 'https://cdn.example/d.webp' } }],
		};
		const { images, text } = parseChatReply([message]);
		expect(images.map((image) => image.source)).toEqual([
			'https://cdn.example/a.png',
			jpegUri,
			pngUri,
			'https://cdn.example/d.webp',
		]);
		expect(text).toBe('first ![a](https://cdn.example/a.png) then\nthird');
	});

	it('the images of every choice, and their texts', () => {
		const { images, text } = parseChatReply([
			{ content: 'one ![x](https://cdn.example/1.png)' },
			{ content: `two ![image](${pngUri})` },
		]);
		expect(images.map((image) => image.source)).toEqual(['https://cdn.example/1.png', pngUri]);
		expect(text).toBe('one ![x](https://cdn.example/1.png)\n\ntwo');
	});
});

describe('parseChatReply: links and bare URLs to image files', () => {
	it('are found when the reply has no image in another form, in order', () => {
		const content =
			'Done! Preview: [100](https://videos.example/assets/task_1/src_0.png?sig=abc) ' +
			'and the other one at https://cdn.example/out/two.JPG. Docs: https://example.com/help and [site](https://example.com/).';
		expect(sources([{ content }])).toEqual([
			'https://videos.example/assets/task_1/src_0.png?sig=abc',
			'https://cdn.example/out/two.JPG',
		]);
	});

	it('a lone download link is kept; its twin next to the file is dropped', () => {
		expect(sources([{ content: '[下载](https://cdn.example/download/a.png)' }])).toEqual([
			'https://cdn.example/download/a.png',
		]);
		expect(
			sources([{ content: 'https://cdn.example/a.png https://cdn.example/a.png?download=1 https://cdn.example/download/a.png' }]),
		).toEqual(['https://cdn.example/a.png']);
	});

	it('are not counted beside a Markdown image, a data URI or an image part', () => {
		expect(sources([{ content: '![x](https://cdn.example/x.png) see also https://cdn.example/y.png' }])).toEqual([
			'https://cdn.example/x.png',
		]);
		expect(sources([{ content: `![image](${pngUri}) https://cdn.example/y.png` }])).toEqual([pngUri]);
	});
});

describe('parseChatReply: what is not an image', () => {
	it('ignores URLs that are not http(s)', () => {
		const message = {
			content: [
				{ type: 'text', text: '![a](ftp://files.example/a.png) ![b](file:///etc/passwd) ![c](/relative/c.png) ftp://x.example/d.png' },
				{ type: 'image_url', image_url: { url: 'file:///etc/hosts' } },
				{ type: 'image_url', image_url: { url: 'javascript:alert(1)' } },
			],
			images: [{ image_url: { url: 'gopher://old.example/e.png' } }],
		};
		expect(parseChatReply([message]).images).toEqual([]);
	});

	it('text without images, an empty message, null content, odd values', () => {
		expect(parseChatReply([{ content: 'I cannot draw that, sorry.' }])).toEqual({
			images: [],
			text: 'I cannot draw that, sorry.',
		});
		expect(parseChatReply([{ content: null }, {}, null, 'text', 42])).toEqual({ images: [], text: '' });
		expect(parseChatReply([{ content: [{ type: 'image_url', image_url: { url: '' } }, { type: 'refusal' }] }])).toEqual({
			images: [],
			text: '',
		});
	});

	it('a data URI that is not base64 or not an image is no image', () => {
		const content = '![x](data:image/svg+xml;utf8,<svg/>) ![y](data:text/plain;base64,aGVsbG8=)';
		expect(parseChatReply([{ content }]).images).toEqual([]);
	});
});

describe('removeDataUris', () => {
	it('removes data URIs with the Markdown around them and tidies the blank lines left', () => {
		expect(removeDataUris(`a\n\n![image](${pngUri})\n\n\n\nb ${jpegUri} c`)).toBe('a\n\nb  c');
	});
});
