import { kling, klingReply } from '../../../../helpers/fake-kling';
import { resultImage, useFakeTaskApis } from '../../../../helpers/fake-tasks';
import { binaryBuffer, model } from '../../../../helpers/harness';
import { makeJpeg, makePng, makeWebp } from '../../../../helpers/images';

const fake = useFakeTaskApis();
const { api } = fake;
const reference = makeJpeg(16, 16, 3);
const input = [{ binary: { data: { data: reference, mimeType: 'image/jpeg' } } }];

const generate = (parameters: Record<string, unknown> = {}, extra = {}) =>
	fake.run('kling', 'generateImage', { prompt: 'a paper lantern festival', ...parameters }, extra);

describe('Kling, Generate Image', () => {
	it('sends every field (image as bare base64), polls the task until succeed, downloads every task_result.images[].url', async () => {
		const { error, output } = await generate(
			{
				modelId: model('kling-v2'),
				referenceImage: 'data',
				aspectRatio: '3:2',
				resolution: '2k',
				options: { n: 3, imageFidelity: 0.7, additionalBodyFields: '{"callback_url": "https://example.com/hook"}' },
			},
			{ input },
		);
		expect(error).toBeUndefined();
		const [task] = kling.tasks.values();
		expect(fake.sent('/kling')).toEqual([
			'POST /kling/v1/images/generations',
			...Array(3).fill(`GET /kling/v1/images/generations/${task.id}`),
		]);
		expect(api.requests[0].json).toEqual({
			model_name: 'kling-v2',
			prompt: 'a paper lantern festival',
			n: 3,
			aspect_ratio: '3:2',
			resolution: '2k',
			image_fidelity: 0.7,
			image: reference.toString('base64'),
			callback_url: 'https://example.com/hook',
		});
		expect(output).toHaveLength(3);
		for (const [index, item] of output.entries()) {
			expect(await binaryBuffer(item.binary!.data)).toEqual(resultImage(index));
			expect(item.json).toMatchObject({ model: 'kling-v2', taskId: task.id, status: 'succeed', imageIndex: index + 1, imageCount: 3 });
		}
	});

	it('a failed task is an error quoting task_status_msg, with the task ID', async () => {
		kling.plan({ statuses: ['submitted', 'failed'], reason: 'Failure to pass the risk control system' });
		const { error } = await generate();
		const [task] = kling.tasks.values();
		expect(error?.message).toBe('Kling task failed: Failure to pass the risk control system');
		expect(error?.context?.task).toEqual({ taskId: task.id, status: 'failed' });
	});

	it('a submission answered with a non-zero code (HTTP 200) is an error quoting its message; nothing is polled', async () => {
		api.override((request) => (request.method === 'POST' ? klingReply(1102, 'Account balance not enough') : undefined));
		const { error } = await generate();
		expect(error?.message).toMatch(/Kling refused the task: Account balance not enough/);
		expect(fake.sent('/kling')).toEqual(['POST /kling/v1/images/generations']);
	});

	it('a balance code answered with HTTP 429 (1102) is final at once and reads balance, not rate_limit; billed no', async () => {
		api.override((request) => (request.method === 'POST' ? klingReply(1102, 'Account balance not enough', undefined, 429) : undefined));
		const { error } = await generate();
		expect(error?.message).toMatch(/Account balance not enough/);
		expect(error?.context).toMatchObject({ reason: 'balance', billed: 'no', retrySafe: true });
		expect(fake.sent('/kling')).toEqual(['POST /kling/v1/images/generations']);
	});

	it('a Kling refusal with HTTP 400 quotes its message', async () => {
		const { error } = await generate({ options: { additionalBodyFields: '{"style": "anime"}' } });
		expect(error?.message).toMatch(/Unknown parameter: style/);
	});

	it('the default model is kling-v3, sent as model_name (without one Kling picks a legacy model); a 2,500-character prompt and 21:9 are taken', async () => {
		const { error } = await generate({ prompt: 'x'.repeat(2500), aspectRatio: '21:9', options: { negativePrompt: 'text' } });
		expect(error).toBeUndefined();
		expect(api.requests[0].json).toEqual({ model_name: 'kling-v3', prompt: 'x'.repeat(2500), negative_prompt: 'text', aspect_ratio: '21:9' });
	});

	it('a workflow saved with the old free-text Model Name keeps it (it wins over Model)', async () => {
		const { error, output } = await generate({ modelName: ' kling-v1-5 ', modelId: model('kling-v3') });
		expect(error).toBeUndefined();
		expect(api.requests[0].json).toMatchObject({ model_name: 'kling-v1-5' });
		expect(output[0].json).toMatchObject({ model: 'kling-v1-5' });
	});

	it('a reference image at 2.5:1 is taken', async () => {
		const wide = makePng(250, 100, 2);
		const { error } = await generate({ referenceImage: 'data' }, { input: [{ binary: { data: { data: wide, mimeType: 'image/png' } } }] });
		expect(error).toBeUndefined();
		expect(api.requests[0].json).toMatchObject({ image: wide.toString('base64') });
	});

	it.each([
		['a Negative Prompt with a reference image', { referenceImage: 'data', options: { negativePrompt: 'blur' } }, makeJpeg(16, 16, 1), /Negative Prompt together with a reference image/],
		['a WEBP reference image', { referenceImage: 'data' }, makeWebp(16, 16), /image\/webp, which Kling does not take: it takes PNG or JPEG only|image\/webp, which Kling does not take: it takes JPEG or PNG only/],
		['a reference image wider than 2.5:1', { referenceImage: 'data' }, makePng(300, 100, 1), /is 300×100, a shape Kling does not take: from 1:2\.5 to 2\.5:1/],
		['a reference image taller than 1:2.5', { referenceImage: 'data' }, makeJpeg(40, 101, 1), /is 40×101, a shape Kling does not take/],
	])('%s is refused before any request', async (_case, parameters, image, message) => {
		const { error } = await generate(parameters, { input: [{ binary: { data: { data: image, mimeType: 'image/png' } } }] });
		expect(error?.message).toMatch(message);
		expect(api.requests).toHaveLength(0);
	});

	it.each([
		[{ prompt: 'x'.repeat(2501) }, /Prompt has 2501 characters, more than the 2500/],
		[{ options: { negativePrompt: 'y'.repeat(2501) } }, /Negative Prompt has 2501 characters/],
		[{ resolution: '={{ "4k" }}' }, /Resolution "4k" is not one Kling takes/],
		[{ options: { n: 10 } }, /Number of Images 10 is not a whole number from 1 to 9/],
		[{ aspectRatio: '5:4' }, /Aspect Ratio "5:4" is not one Kling takes/],
		[{ referenceImage: 'big' }, /more than the 10\.0 MB Kling takes/],
	])('bad input %j is refused before any request', async (parameters, message) => {
		const big = Buffer.concat([makeJpeg(16, 16, 1), Buffer.alloc(10 * 1024 * 1024)]);
		const { error } = await generate(parameters, { input: [{ binary: { big: { data: big, mimeType: 'image/jpeg' } } }] });
		expect(error?.message).toMatch(message);
		expect(api.requests).toHaveLength(0);
	});
});
