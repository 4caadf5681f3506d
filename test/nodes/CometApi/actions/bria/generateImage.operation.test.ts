import { useFakeTaskApis } from '../../../../helpers/fake-tasks';
import { binaryBuffer } from '../../../../helpers/harness';
import { makePng } from '../../../../helpers/images';
import '../../../../helpers/fake-bria';

const fake = useFakeTaskApis();
const { api } = fake;

const generate = (parameters: Record<string, unknown> = {}) => fake.run('bria', 'generateImage', { prompt: 'a ceramic mug on linen', ...parameters });

describe('Bria, Generate Image (text-to-image)', () => {
	it('one request to {host}/bria/text-to-image with the fields set; every result URL downloaded at once, no polling', async () => {
		const { error, output } = await generate({ aspectRatio: '4:5', options: { numResults: 2, seed: 7, negativePrompt: 'text', medium: 'art' } });
		expect(error).toBeUndefined();
		expect(fake.sent('/bria')).toEqual(['POST /bria/text-to-image']);
		expect(api.requests[0].json).toEqual({ prompt: 'a ceramic mug on linen', num_results: 2, aspect_ratio: '4:5', seed: 7, negative_prompt: 'text', medium: 'art' });
		expect(output).toHaveLength(2);
		expect(await binaryBuffer(output[1].binary!.data)).toEqual(makePng(8, 8, 2));
		expect(output[0].json).toMatchObject({ prompt: 'a ceramic mug on linen', aspectRatio: '4:5', imageIndex: 1, imageCount: 2 });
	});

	it('CometAPI’s error envelope in a 200 fails the item with its message', async () => {
		api.override((request) => (request.path === '/bria/text-to-image' ? { json: { error: { message: 'prompt rejected', code: 'invalid_request' } } } : undefined));
		const { error } = await generate();
		expect(error?.message).toMatch(/prompt rejected/);
	});

	it.each([
		[{ aspectRatio: '={{ "21:9" }}' }, /Aspect Ratio "21:9" is not one Bria takes/],
		[{ options: { numResults: 5 } }, /Number of Results 5 is not a whole number from 1 to 4/],
		[{ prompt: ' ' }, /the Prompt is empty/],
	])('bad input %j is refused before any request', async (parameters, message) => {
		const { error } = await generate(parameters);
		expect(error?.message).toMatch(message);
		expect(fake.sent('/bria')).toEqual([]);
	});
});
