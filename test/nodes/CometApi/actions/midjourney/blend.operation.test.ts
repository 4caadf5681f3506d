import { taskImage, useFakeMidjourney } from '../../../../helpers/fake-midjourney';
import { binaryBuffer, type InputItem } from '../../../../helpers/harness';
import { makeJpeg, makePng, makeWebp } from '../../../../helpers/images';

/* Blend: 2–5 images into one. */

const mj = useFakeMidjourney();
const images = { a: makePng(8, 8, 1), b: makeJpeg(8, 8, 2), c: makeWebp(8, 8) };
const input: InputItem[] = [
	{
		binary: {
			a: { data: images.a, mimeType: 'image/png' },
			b: { data: images.b, mimeType: 'image/jpeg' },
			c: { data: images.c, mimeType: 'image/webp' },
		},
	},
];

describe('Midjourney Blend', () => {
	it('sends the images as data URIs in order, with dimensions and bot; outputs the blended image', async () => {
		const { error, output } = await mj.run({ operation: 'blend', blendImages: 'c, a, b', dimensions: 'LANDSCAPE', botType: 'NIJI_JOURNEY' }, { input });
		expect(error).toBeUndefined();
		expect(mj.submissions('blend')[0].json).toEqual({
			base64Array: [
				`data:image/webp;base64,${images.c.toString('base64')}`,
				`data:image/png;base64,${images.a.toString('base64')}`,
				`data:image/jpeg;base64,${images.b.toString('base64')}`,
			],
			dimensions: 'LANDSCAPE',
			botType: 'NIJI_JOURNEY',
		});
		expect(output[0].json).toMatchObject({ action: 'BLEND', status: 'SUCCESS' });
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(taskImage(mj.lastTask()).data);
	});

	it.each([
		['one image', { blendImages: 'a' }, 'lists 1 image: Blend takes 2 to 5'],
		['six images', { blendImages: 'a, b, c, a, b, c' }, 'lists 6 images'],
		['an unknown shape', { blendImages: 'a, b', dimensions: 'WIDE' }, 'the Dimensions "WIDE"'],
		['a field that is not an image', { blendImages: 'a, text' }, 'is not an image'],
	])('%s is refused before any request', async (_case, parameters, message) => {
		const withText: InputItem[] = [{ binary: { ...input[0].binary, text: { data: Buffer.from('hello'), mimeType: 'text/plain' } } }];
		const { error } = await mj.run({ operation: 'blend', ...parameters }, { input: withText });
		expect(error?.message).toContain(message);
		expect(mj.api.requests).toHaveLength(0);
	});
});
