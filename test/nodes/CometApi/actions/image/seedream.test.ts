import { API_KEY } from '../../../../helpers/fake-cometapi';
import { binaryBuffer, model, runCometApi, type RunOptions } from '../../../../helpers/harness';
import { makeGif, makeJpeg, makePng } from '../../../../helpers/images';
import { useFakeCometApi } from '../../../../helpers/setup';

const api = useFakeCometApi();
const SEEDREAM = 'doubao-seedream-4-5-251128';

function generate(parameters: Record<string, unknown> = {}, extra: Partial<RunOptions> = {}) {
	return runCometApi({
		parameters: { resource: 'image', operation: 'generate', prompt: 'the products on a catalogue page', modelId: model(SEEDREAM, 'id'), ...parameters },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		...extra,
	});
}
const generations = () => api.requests.filter((r) => r.path === '/v1/images/generations');
const photos = [{ binary: { mug: { data: makePng(20, 20, 1), mimeType: 'image/png' }, lamp: { data: makeJpeg(32, 16, 2), mimeType: 'image/jpeg' } } }];

describe('Generate Image with Seedream: Seedream Options', () => {
	it('sends reference binaries as the image list of lowercase data URIs, and watermark false even when no option is set', async () => {
		const { error, output } = await generate({ seedreamOptions: { referenceImages: 'mug, lamp' } }, { input: photos });
		expect(error).toBeUndefined();
		expect(generations()[0].json).toEqual({
			model: SEEDREAM,
			prompt: 'the products on a catalogue page',
			image: [`data:image/png;base64,${makePng(20, 20, 1).toString('base64')}`, `data:image/jpeg;base64,${makeJpeg(32, 16, 2).toString('base64')}`],
			watermark: false,
		});
		expect(output[0].json).toMatchObject({ referenceImages: ['mug', 'lamp'], usage: { generated_images: 1 } });
		const plain = await generate();
		expect(plain.error).toBeUndefined();
		expect(generations()[1].json).toEqual({ model: SEEDREAM, prompt: 'the products on a catalogue page', watermark: false });
	});

	it('Watermark on is sent as true; gpt-image gets no Seedream field', async () => {
		await generate({ seedreamOptions: { watermark: true } });
		await generate({ modelId: model('gpt-image-1', 'id') });
		expect(generations()[0].json).toMatchObject({ watermark: true });
		expect(generations()[1].json).toEqual({ model: 'gpt-image-1', prompt: 'the products on a catalogue page' });
	});

	it('Sequential Images: sequential_image_generation auto with max_images; every image made is output with usage.generated_images', async () => {
		const { error, output } = await generate({ seedreamOptions: { referenceImages: 'mug', sequentialImages: true, maxImages: 3 } }, { input: photos });
		expect(error).toBeUndefined();
		expect(generations()[0].json).toMatchObject({ sequential_image_generation: 'auto', sequential_image_generation_options: { max_images: 3 } });
		expect(output).toHaveLength(3);
		expect(output[0].json).toMatchObject({ usage: { generated_images: 3 }, imageCount: 3 });
	});

	it('a batch where some images failed keeps the images made and names the failed ones in failedImages', async () => {
		api.override((request) =>
			request.path === '/v1/images/generations'
				? {
						json: {
							model: SEEDREAM,
							created: 1763700000,
							data: [
								{ b64_json: makePng(8, 8, 1).toString('base64'), size: '2048x2048' },
								{ error: { code: 'OutputImageSensitiveContentDetected', message: 'The generated image may contain sensitive content' } },
								{ b64_json: makePng(8, 8, 3).toString('base64'), size: '2048x2048' },
							],
							usage: { generated_images: 2, output_tokens: 32768, total_tokens: 32768 },
						},
					}
				: undefined,
		);
		const { error, output } = await generate({ seedreamOptions: { sequentialImages: true, maxImages: 3 } });
		expect(error).toBeUndefined();
		expect(output).toHaveLength(2);
		expect(await binaryBuffer(output[1].binary!.data)).toEqual(makePng(8, 8, 3));
		expect(output[0].json).toMatchObject({
			usage: { generated_images: 2 },
			failedImages: [{ imageIndex: 2, code: 'OutputImageSensitiveContentDetected', message: 'The generated image may contain sensitive content' }],
		});
	});

	it('a batch where every image failed is an error quoting the first reason', async () => {
		api.override((request) =>
			request.path === '/v1/images/generations'
				? { json: { created: 1, data: [{ error: { code: 'OutputImageSensitiveContentDetected', message: 'sensitive content' } }], usage: { generated_images: 0 } } }
				: undefined,
		);
		const { error } = await generate();
		expect(error?.message).toBe('No image could be made: sensitive content');
	});

	it.each([
		['15 reference images', { referenceImages: Array.from({ length: 15 }, (_, i) => `r${i}`).join(',') }, {}, /lists 15 images, more than the 14 Seedream takes/],
		['references plus Max Images over 15', { referenceImages: 'mug, lamp', sequentialImages: true, maxImages: 14 }, {}, /2 reference images and Max Images 14 make more than the 15/],
		['a reference of 14 pixels', { referenceImages: 'tiny' }, { tiny: { data: makePng(14, 40, 1), mimeType: 'image/png' } }, /is 14×40: both sides must be over 14 pixels/],
		['a reference wider than 16:1', { referenceImages: 'strip' }, { strip: { data: makePng(340, 20, 1), mimeType: 'image/png' } }, /is 340×20: its aspect ratio must be from 1:16 to 16:1/],
		['a reference over 10 MB', { referenceImages: 'big' }, { big: { data: Buffer.concat([makePng(20, 20, 1), Buffer.alloc(10 * 1024 * 1024)]), mimeType: 'image/png' } }, /more than the 10\.0 MB Seedream takes/],
		['Seedream options on gpt-image', { referenceImages: 'mug' }, {}, /Seedream Options are for Seedream models, not gpt-image-1/],
	])('%s is refused before anything is sent', async (name, seedreamOptions, binary, message) => {
		const modelId = name.includes('gpt-image') ? model('gpt-image-1', 'id') : model(SEEDREAM, 'id');
		const { error } = await generate({ modelId, seedreamOptions }, { input: [{ binary: { ...photos[0].binary, ...binary } }] });
		expect(error?.message).toMatch(message);
		expect(generations()).toHaveLength(0);
	});

	it('a GIF reference is taken', async () => {
		const { error } = await generate({ seedreamOptions: { referenceImages: 'anim' } }, { input: [{ binary: { anim: { data: makeGif(20, 20), mimeType: 'image/gif' } } }] });
		expect(error).toBeUndefined();
		expect(String((generations()[0].json?.image as string[])[0])).toMatch(/^data:image\/gif;base64,/);
	});

	it.each([
		['doubao-seedream-5-0-260128', '4K', /Seedream 5\.0 takes the presets 2K, 3K/],
		['doubao-seedream-4-5-251128', '1500x1500', /Seedream 4\.5 takes 3,686,400 to 16,777,216 pixels, and 1500x1500 has 2,250,000/],
		['doubao-seedream-4-0-250828', '3K', /Seedream 4\.0 takes the presets 1K, 2K, 4K/],
		['doubao-seedream-5-0-260128', '5000x3000', /Seedream 5\.0 takes 3,686,400 to 10,404,496 pixels/],
	])('%s: the size %s is refused before sending', async (id, customSize, message) => {
		const { error } = await generate({ modelId: model(id, 'id'), options: { size: 'custom', customSize } });
		expect(error?.message).toMatch(message);
		expect(generations()).toHaveLength(0);
	});

	it.each([
		['doubao-seedream-5-0-260128', '3K'],
		['doubao-seedream-5-0-260128', '2560x1440'],
		['doubao-seedream-4-5-251128', '4K'],
		['doubao-seedream-4-0-250828', '1K'],
	])('%s takes %s', async (id, customSize) => {
		const { error } = await generate({ modelId: model(id, 'id'), options: { size: 'custom', customSize } });
		expect(error).toBeUndefined();
		expect(generations()[0].json).toMatchObject({ size: customSize, watermark: false });
	});
});
