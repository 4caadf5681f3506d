import { DESCRIBE_PROMPTS, taskImage, useFakeMidjourney } from '../../../../helpers/fake-midjourney';
import { binaryBuffer, type InputItem } from '../../../../helpers/harness';
import { makeJpeg, makePng, makeWebp } from '../../../../helpers/images';
import { splitPrompts } from '../../../../../nodes/CometApi/actions/midjourney/midjourney-api';

/* Blend (2–5 images into one) and Describe (an image into suggested prompts). */

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

describe('Midjourney Describe', () => {
	it('sends one image as a data URI; outputs promptEn and the numbered prompts as a list, nothing downloaded', async () => {
		const { error, output } = await mj.run({ operation: 'describe', imageField: 'b' }, { input });
		expect(error).toBeUndefined();
		expect(mj.submissions('describe')[0].json).toEqual({ base64: `data:image/jpeg;base64,${images.b.toString('base64')}`, botType: 'MID_JOURNEY' });
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ action: 'DESCRIBE', status: 'SUCCESS', prompts: DESCRIBE_PROMPTS });
		expect(String(output[0].json.promptEn)).toContain('1️⃣');
		expect(output[0].binary).toBeUndefined();
		expect(mj.sequence()).not.toContain('GET /mj/image/{id}');
	});

	it('an empty Image Field is refused before any request', async () => {
		const { error } = await mj.run({ operation: 'describe', imageField: ' ' }, { input });
		expect(error?.message).toContain('Image Field is empty');
		expect(mj.api.requests).toHaveLength(0);
	});

	it.each([
		['keycaps', '1️⃣ a cat --ar 1:1\n\n2️⃣ a dog\n\n3️⃣ a bird', ['a cat --ar 1:1', 'a dog', 'a bird']],
		['numbers', '1. a cat\n2. a dog', ['a cat', 'a dog']],
		['plain paragraphs', 'a cat\n\na dog', ['a cat', 'a dog']],
	])('the suggestions are split when numbered with %s', (_case, text, prompts) => {
		expect(splitPrompts(text)).toEqual(prompts);
	});
});
