import { kling, klingReply } from '../../../../helpers/fake-kling';
import { resultImage, useFakeTaskApis } from '../../../../helpers/fake-tasks';
import { binaryBuffer } from '../../../../helpers/harness';
import { makeJpeg } from '../../../../helpers/images';

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
				modelName: 'kling-v2',
				referenceImage: 'data',
				aspectRatio: '3:2',
				options: { negativePrompt: 'text, watermark', n: 3, imageFidelity: 0.7, additionalBodyFields: '{"callback_url": "https://example.com/hook"}' },
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
			negative_prompt: 'text, watermark',
			n: 3,
			aspect_ratio: '3:2',
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

	it('a Kling refusal with HTTP 400 quotes its message', async () => {
		const { error } = await generate({ options: { additionalBodyFields: '{"style": "anime"}' } });
		expect(error?.message).toMatch(/Unknown parameter: style/);
	});

	it.each([
		[{ prompt: 'x'.repeat(501) }, /Prompt has 501 characters, more than the 500/],
		[{ options: { negativePrompt: 'y'.repeat(201) } }, /Negative Prompt has 201 characters/],
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
