import { runEditChain } from '../../../../helpers/edit-chain';
import { API_KEY } from '../../../../helpers/fake-cometapi';
import { parseMultipart, type Multipart } from '../../../../helpers/fake-edits';
import { binaryBuffer, model, runCometApi, type InputBinary, type InputItem, type RunOptions } from '../../../../helpers/harness';
import { makeGif, makeJpeg, makePng, makePngOfType, makeWebp } from '../../../../helpers/images';
import { useFakeCometApi } from '../../../../helpers/setup';

const api = useFakeCometApi();
/** What an error found before anything was sent says about billing (transport/billing.ts). */
const NOT_BILLED = 'Billed: no — nothing was charged for this item; it is safe to run again.';

const photo: InputBinary = { data: makePng(16, 16, 1), fileName: 'photo.png', mimeType: 'image/png' };
const mask: InputBinary = { data: makePng(16, 16, 9), fileName: 'mask.png', mimeType: 'image/png' };

function edit(parameters: Record<string, unknown> = {}, extra: Partial<RunOptions> = {}) {
	return runCometApi({
		parameters: { resource: 'image', operation: 'edit', prompt: 'make the sky blue', ...parameters },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		input: [{ binary: { data: photo } }],
		...extra,
	});
}

const edits = () => api.requests.filter((r) => r.path === '/v1/images/edits');

/** The one edit request the node sent, parsed by a real multipart parser. */
async function sentForm(): Promise<Multipart> {
	expect(edits()).toHaveLength(1);
	return await parseMultipart(edits()[0]);
}

const textFields = (form: Multipart) => Object.fromEntries(form.fields);
const fileParts = (form: Multipart) =>
	form.files.map(({ field, fileName, mimeType, data }) => ({ field, fileName, mimeType, data }));

describe('Edit Image', () => {
	it('sends one image as the multipart file "image" with its name and type, and only model and prompt', async () => {
		const { output, error } = await edit();
		expect(error).toBeUndefined();
		const [request] = edits();
		expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		const form = await sentForm();
		expect(form.fields).toEqual([
			['model', 'gpt-image-1'],
			['prompt', 'make the sky blue'],
		]);
		expect(fileParts(form)).toEqual([
			{ field: 'image', fileName: 'photo.png', mimeType: 'image/png', data: photo.data },
		]);

		expect(output).toHaveLength(1);
		const [item] = output;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary!.data.fileName).toBe('image_1.png');
		expect(item.binary!.data.mimeType).toBe('image/png');
		expect(await binaryBuffer(item.binary!.data)).toEqual(makePng(8, 8, 1));
		expect(item.json).toEqual({
			model: 'gpt-image-1',
			prompt: 'make the sky blue',
			usage: { input_tokens: 12, output_tokens: 4160, total_tokens: 4172 },
			created: 1763700000,
			imageFields: ['data'],
			imageIndex: 1,
			imageCount: 1,
			cost: { usd: 0.16646, basis: 'tokens', model: 'gpt-image-1' },
		});
	});

	it('sends three images as repeated "image[]" parts in the listed order, with file names and content types', async () => {
		const back = makeJpeg(16, 16, 2);
		const side = makeWebp(16, 16);
		const { output, error } = await edit(
			{ imageProperties: 'data, back ,side' },
			{
				input: [
					{
						binary: {
							side: { data: side, fileName: 'side.webp', mimeType: 'application/octet-stream' },
							back: { data: back, fileName: 'back.jpg', mimeType: 'image/jpeg' },
							data: photo,
						},
					},
				],
			},
		);
		expect(error).toBeUndefined();
		const form = await sentForm();
		expect(fileParts(form)).toEqual([
			{ field: 'image[]', fileName: 'photo.png', mimeType: 'image/png', data: photo.data },
			{ field: 'image[]', fileName: 'back.jpg', mimeType: 'image/jpeg', data: back },
			// application/octet-stream is replaced by the type sniffed from the bytes.
			{ field: 'image[]', fileName: 'side.webp', mimeType: 'image/webp', data: side },
		]);
		expect(form.order.filter((name) => name.startsWith('image'))).toEqual(['image[]', 'image[]', 'image[]']);
		expect(output[0].json.imageFields).toEqual(['data', 'back', 'side']);
	});

	it('a binary without a file name and typed application/octet-stream gets a file name and a real image type', async () => {
		const jpeg = makeJpeg(16, 16, 3);
		const { error } = await edit({}, { input: [{ binary: { data: { data: jpeg, mimeType: 'application/octet-stream' } } }] });
		expect(error).toBeUndefined();
		expect(fileParts(await sentForm())).toEqual([
			{ field: 'image', fileName: 'data.jpeg', mimeType: 'image/jpeg', data: jpeg },
		]);
	});

	it('the option "Use Array Field for a Single Image" sends one image as "image[]"', async () => {
		const { error } = await edit({ options: { imageArrayField: true } });
		expect(error).toBeUndefined();
		const form = await sentForm();
		expect(form.files.map((file) => file.field)).toEqual(['image[]']);
		expect(textFields(form)).toEqual({ model: 'gpt-image-1', prompt: 'make the sky blue' });
	});

	it('sends the mask from its own binary field as the file "mask"', async () => {
		const { output, error } = await edit(
			{ options: { maskProperty: ' mask ' } },
			{ input: [{ binary: { data: photo, mask } }] },
		);
		expect(error).toBeUndefined();
		const form = await sentForm();
		expect(fileParts(form)).toEqual([
			{ field: 'image', fileName: 'photo.png', mimeType: 'image/png', data: photo.data },
			{ field: 'mask', fileName: 'mask.png', mimeType: 'image/png', data: mask.data },
		]);
		expect(output[0].json).toMatchObject({ imageFields: ['data'], maskField: 'mask' });
	});

	it('sends no mask by default, even when the item has a binary named "mask"', async () => {
		const { output } = await edit({}, { input: [{ binary: { data: photo, mask } }] });
		expect((await sentForm()).files.map((file) => file.field)).toEqual(['image']);
		expect(output[0].json).not.toHaveProperty('maskField');
	});

	it('output format jpeg gives JPEG binaries named .jpeg', async () => {
		const { output, error } = await edit({ options: { outputFormat: 'jpeg', outputCompression: 80, n: 2 } });
		expect(error).toBeUndefined();
		expect(textFields(await sentForm())).toEqual({
			model: 'gpt-image-1',
			prompt: 'make the sky blue',
			n: '2',
			output_format: 'jpeg',
			output_compression: '80',
		});
		expect(output).toHaveLength(2);
		for (const [index, item] of output.entries()) {
			expect(item.binary!.data.fileName).toBe(`image_${index + 1}.jpeg`);
			expect(item.binary!.data.mimeType).toBe('image/jpeg');
			expect(await binaryBuffer(item.binary!.data)).toEqual(makeJpeg(8, 8, index + 1));
		}
		expect(output[0].json.output_format).toBe('jpeg');
	});

	it('never sends response_format to gpt-image-* models', async () => {
		const { error } = await edit({ options: { responseFormat: 'url', quality: 'low' } });
		expect(error).toBeUndefined();
		expect(textFields(await sentForm())).toEqual({ model: 'gpt-image-1', prompt: 'make the sky blue', quality: 'low' });
	});

	it('sends response_format to other models and downloads URL results', async () => {
		const { output, error } = await edit({
			modelId: model('doubao-seededit-3-0-i2i-250628', 'id'),
			options: { responseFormat: 'url', size: 'custom', customSize: 'adaptive' },
		});
		expect(error).toBeUndefined();
		expect(textFields(await sentForm())).toEqual({
			model: 'doubao-seededit-3-0-i2i-250628',
			prompt: 'make the sky blue',
			response_format: 'url',
			size: 'adaptive',
		});
		expect(api.imageHost.requests).toHaveLength(1);
		expect(api.imageHost.requests[0].headers.authorization).toBeUndefined();
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(makePng(8, 8, 1));
		expect(output[0].json.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cdn\//);
	});

	it('takes any model ID and a 20 MB input, which arrives byte for byte', async () => {
		const big = Buffer.concat([makePng(1024, 1024, 4), Buffer.alloc(20 * 1024 * 1024, 7)]);
		const { output, error } = await edit(
			{ modelId: model('my-relay/edit-model-x', 'id') },
			{ input: [{ binary: { data: { data: big, fileName: 'big.png', mimeType: 'image/png' } } }] },
		);
		expect(error).toBeUndefined();
		const form = await sentForm();
		expect(textFields(form).model).toBe('my-relay/edit-model-x');
		expect(form.files).toHaveLength(1);
		expect(form.files[0].data.length).toBe(big.length);
		expect(form.files[0].data.equals(big)).toBe(true);
		expect(output).toHaveLength(1);
	});

	it('surfaces the API’s own refusal, e.g. a field the model does not take', async () => {
		const { error } = await edit({ options: { additionalBodyFields: '{"watermark": false}' } });
		expect(edits()).toHaveLength(1);
		expect(error!.message).toMatch(/^Unknown parameter: 'watermark'\./);
		expect(error!.httpCode).toBe('400');
	});
});

describe('Edit Image: bad input is refused before any request', () => {
	const text: InputBinary = { data: Buffer.from('not an image at all'), fileName: 'notes.txt', mimeType: 'text/plain' };
	const tooBig: InputBinary = {
		data: Buffer.concat([makePng(16, 16), Buffer.alloc(51 * 1024 * 1024)]),
		fileName: 'huge.png',
		mimeType: 'image/png',
	};
	const seventeen = Array.from({ length: 17 }, (_, index) => `img${index}`).join(',');

	it.each<[string, Record<string, unknown>, InputItem['binary'], string]>([
		[
			'a missing binary property',
			{ imageProperties: 'data, photo2' },
			{ data: photo, other: mask },
			'Item 0: the input item has no binary property "photo2" (Input Image Fields)',
		],
		['a file that is not an image', {}, { data: text }, 'Item 0: the file in "data" is not an image (notes.txt, text/plain)'],
		['an empty file', {}, { data: { data: Buffer.alloc(0), fileName: 'empty.png', mimeType: 'image/png' } }, 'Item 0: the file in "data" is empty'],
		[
			'a file over 50 MB',
			{},
			{ data: tooBig },
			'Item 0: the file in "data" is 51.0 MB, more than the 50 MB an input image may have',
		],
		['more than 16 images', { imageProperties: seventeen }, { data: photo }, 'Item 0: Input Image Fields lists 17 images, more than the 16 an edit takes'],
		['no image field at all', { imageProperties: ' , ' }, { data: photo }, 'Item 0: Input Image Fields is empty'],
		[
			'a mask that is not a PNG',
			{ options: { maskProperty: 'mask' } },
			{ data: photo, mask: { data: makeJpeg(16, 16), fileName: 'mask.jpg', mimeType: 'image/jpeg' } },
			'Item 0: the mask in "mask" (Mask Binary Field) is not a PNG (image/jpeg)',
		],
		[
			'a mask whose size differs from the first image',
			{ imageProperties: 'data, second', options: { maskProperty: 'mask' } },
			{ data: photo, second: { data: makePng(8, 8), mimeType: 'image/png' }, mask: { data: makePng(16, 8), mimeType: 'image/png' } },
			'Item 0: the mask in "mask" (Mask Binary Field) is 16x8 but the first image "data" is 16x16',
		],
		[
			'a missing mask property',
			{ options: { maskProperty: 'mask' } },
			{ data: photo },
			'Item 0: the input item has no binary property "mask" (Mask Binary Field)',
		],
		[
			'the mask being one of the input images',
			{ options: { maskProperty: 'data' } },
			{ data: photo },
			'Item 0: the Mask Binary Field "data" is also an input image',
		],
		[
			'transparent background with jpeg',
			{ options: { background: 'transparent', outputFormat: 'jpeg' } },
			{ data: photo },
			'Item 0: Background "Transparent" cannot be used with Output Format "JPEG"',
		],
		[
			'output compression with an expression resolving to png',
			{ options: { outputCompression: 50, outputFormat: '={{ "png" }}' } },
			{ data: photo },
			'Item 0: Output Compression works only with Output Format "JPEG" or "WEBP"',
		],
		[
			'a file field in Additional Body Fields',
			{ options: { additionalBodyFields: '{"mask": "x"}' } },
			{ data: photo },
			'Item 0: Additional Body Fields (JSON) cannot set "mask"',
		],
		['an empty prompt', { prompt: ' ' }, { data: photo }, 'Item 0: the Prompt is empty'],
		[
			'a mask without an alpha channel (RGB PNG)',
			{ options: { maskProperty: 'mask' } },
			{ data: photo, mask: { data: makePngOfType(16, 16, 2), fileName: 'mask.png', mimeType: 'image/png' } },
			'Item 0: the mask in "mask" (Mask Binary Field) is a PNG without an alpha channel',
		],
		[
			'a grey mask without an alpha channel',
			{ options: { maskProperty: 'mask' } },
			{ data: photo, mask: { data: makePngOfType(16, 16, 0), mimeType: 'image/png' } },
			'Item 0: the mask in "mask" (Mask Binary Field) is a PNG without an alpha channel',
		],
		[
			'a mask of 4 MB',
			{ options: { maskProperty: 'mask' } },
			{ data: photo, mask: { data: Buffer.concat([makePng(16, 16), Buffer.alloc(4 * 1024 * 1024)]), mimeType: 'image/png' } },
			'Item 0: the mask in "mask" (Mask Binary Field) is 4.0 MB; a mask must be under 4 MB',
		],
	])('%s', async (_case, parameters, binary, message) => {
		const { error, output } = await edit(parameters, { input: [{ binary }] });
		expect(output).toEqual([]);
		expect(error).toBeDefined();
		expect(error!.message).toBe(message);
		expect(error!.context).toMatchObject({ itemIndex: 0 });
		expect(error!.description).toBeTruthy();
		expect(api.requests).toHaveLength(0);
	});

	it.each<[string, InputBinary, string]>([
		['GIF', { data: makeGif(16, 16), fileName: 'anim.gif', mimeType: 'image/gif' }, 'image/gif'],
		// Only the declared type is known for these: the bytes are not sniffed as PNG, JPEG, WEBP or GIF.
		['HEIC', { data: Buffer.from('\0\0\0\x18ftypheic\0\0\0\0heicmif1', 'latin1'), fileName: 'IMG_0001.HEIC', mimeType: 'image/heic' }, 'image/heic'],
		['SVG', { data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"/>'), fileName: 'logo.svg', mimeType: 'image/svg+xml' }, 'image/svg+xml'],
		['BMP', { data: Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(64)]), fileName: 'scan.bmp', mimeType: 'image/bmp' }, 'image/bmp'],
	])('a %s input image is refused before sending; the message lists PNG, JPEG and WEBP', async (_case, file, type) => {
		const { error, output } = await edit({ imageProperties: 'data, second' }, { input: [{ binary: { data: photo, second: file } }] });
		expect(output).toEqual([]);
		expect(error!.message).toBe(
			`Item 0: the image in "second" is ${type}, which Edit Image does not take: it takes PNG, JPEG or WEBP only`,
		);
		expect(error!.description).toContain('Convert the image to PNG, JPEG or WEBP first');
		expect(error!.context).toMatchObject({ itemIndex: 0 });
		expect(api.requests).toHaveLength(0);
	});

	it.each<[string, Buffer]>([
		['grey + alpha (colour type 4)', makePngOfType(16, 16, 4)],
		['RGB with a tRNS chunk', makePngOfType(16, 16, 2, true)],
		['palette-free grey with a tRNS chunk', makePngOfType(16, 16, 0, true)],
	])('a mask with transparency is sent: %s', async (_case, data) => {
		const { error, output } = await edit(
			{ options: { maskProperty: 'mask' } },
			{ input: [{ binary: { data: photo, mask: { data, fileName: 'mask.png', mimeType: 'image/png' } } }] },
		);
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect((await sentForm()).files.map((file) => [file.field, file.data])).toEqual([
			['image', photo.data],
			['mask', data],
		]);
	});

	it('a missing property lists the binary properties the item has', async () => {
		const { error } = await edit({ imageProperties: 'photo' }, { input: [{ binary: { data: photo, mask } }] });
		expect(error!.description).toBe(`The item's binary properties are: data, mask. Set Input Image Fields to one of them. ${NOT_BILLED}`);
	});

	it('an item without any binary says to connect a node that outputs a file', async () => {
		const { error } = await edit({}, { input: [{ json: { a: 1 } }] });
		expect(error!.message).toBe('Item 0: the input item has no binary property "data" (Input Image Fields)');
		expect(error!.description).toContain('no binary data at all');
		expect(api.requests).toHaveLength(0);
	});
});

describe('Edit Image over several items', () => {
	const items: InputItem[] = [16, 24, 32].map((side, index) => ({
		json: { prompt: `edit number ${index}` },
		binary: { data: { data: makePng(side, side, index + 1), fileName: `in-${index}.png`, mimeType: 'image/png' } },
	}));

	it('three items with different images: each request carries its own image; outputs keep pairedItem', async () => {
		const { output, error } = await edit({ prompt: '={{ $json.prompt }}' }, { input: items });
		expect(error).toBeUndefined();
		expect(edits()).toHaveLength(3);
		const sent = await Promise.all(edits().map((request) => parseMultipart(request)));
		const byPrompt = Object.fromEntries(sent.map((form) => [textFields(form).prompt, form.files[0]]));
		for (const [index, item] of items.entries()) {
			const file = byPrompt[`edit number ${index}`];
			expect(file.fileName).toBe(`in-${index}.png`);
			expect(file.data).toEqual(item.binary!.data.data);
		}
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output.map((item) => item.json.prompt)).toEqual(['edit number 0', 'edit number 1', 'edit number 2']);
	});

	it('continueOnFail: one bad item among three gives its error item; the other two are edited', async () => {
		const input: InputItem[] = [items[0], { json: { prompt: 'edit number 1' }, binary: { other: photo } }, items[2]];
		const { output, error } = await edit({ prompt: '={{ $json.prompt }}' }, { input, continueOnFail: true });
		expect(error).toBeUndefined();
		expect(edits()).toHaveLength(2);
		expect(output).toHaveLength(3);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[1].json).toMatchObject({
			error: 'Item 1: the input item has no binary property "data" (Input Image Fields)',
			description: `The item's binary properties are: other. Set Input Image Fields to one of them. ${NOT_BILLED}`,
			billed: 'no',
			retrySafe: true,
			reason: 'invalid_request',
			itemIndex: 1,
		});
		expect(output[1].binary).toBeUndefined();
		expect(output[0].binary!.data.fileName).toBe('image_1.png');
		expect(output[2].binary!.data.fileName).toBe('image_1.png');
	});
});

describe('Edit Image in a workflow (in-memory binary mode)', () => {
	it('Read Files → Edit Image → Write Files: the previous node’s binary is edited and written', async () => {
		const { output } = await runEditChain(api);
		expect(output[0].binary!.data.id).toBeUndefined();
	});
});

describe('Edit Image: input_fidelity and gpt-image-2', () => {
	it('Input Fidelity is never sent to gpt-image-2 (always high fidelity; it refuses the field), and is sent to gpt-image-1', async () => {
		const two = await edit({ modelId: model('gpt-image-2', 'id'), options: { inputFidelity: 'high', size: '2048x1152' } });
		expect(two.error).toBeUndefined();
		const sentTwo = textFields(await sentForm());
		expect(sentTwo).toMatchObject({ model: 'gpt-image-2', size: '2048x1152' });
		expect(sentTwo.input_fidelity).toBeUndefined();
	});

	it('gpt-image-1 still gets Input Fidelity', async () => {
		const one = await edit({ options: { inputFidelity: 'high' } });
		expect(one.error).toBeUndefined();
		expect(textFields(await sentForm())).toMatchObject({ model: 'gpt-image-1', input_fidelity: 'high' });
	});
});
