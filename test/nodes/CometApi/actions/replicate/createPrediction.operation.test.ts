import { replicate } from '../../../../helpers/fake-replicate';
import { resultImage, useFakeTaskApis } from '../../../../helpers/fake-tasks';
import { binaryBuffer } from '../../../../helpers/harness';
import { makeJpeg, makePng } from '../../../../helpers/images';

const fake = useFakeTaskApis();
const { api } = fake;
const first = makePng(12, 12, 1);
const second = makeJpeg(12, 12, 2);
const input = [{ binary: { first: { data: first, mimeType: 'image/png' }, second: { data: second, mimeType: 'image/jpeg' } } }];

const predict = (parameters: Record<string, unknown> = {}, extra = {}) =>
	fake.run('replicate', 'createPrediction', { replicateModel: 'black-forest-labs/flux-2-pro', input: '{"prompt": "a red chair", "num_outputs": 2}', ...parameters }, extra);

describe('Replicate-style, Run Model', () => {
	it('sends {input} built from Input (JSON) and the image mappings (data URIs; a key given twice is a list), polls the prediction, downloads every output URL', async () => {
		const { error, output } = await predict(
			{
				imageInputs: {
					images: [
						{ binaryField: 'first', inputKey: 'input_images' },
						{ binaryField: 'second', inputKey: 'input_images' },
						{ binaryField: 'first', inputKey: 'input_image' },
					],
				},
			},
			{ input },
		);
		expect(error).toBeUndefined();
		const [task] = replicate.tasks.values();
		expect(fake.sent('/replicate')).toEqual([
			'POST /replicate/v1/models/black-forest-labs/flux-2-pro/predictions',
			...Array(3).fill(`GET /replicate/v1/predictions/${task.id}`),
		]);
		const firstUri = `data:image/png;base64,${first.toString('base64')}`;
		expect(api.requests[0].json).toEqual({
			input: { prompt: 'a red chair', num_outputs: 2, input_images: [firstUri, `data:image/jpeg;base64,${second.toString('base64')}`], input_image: firstUri },
		});
		expect(output).toHaveLength(2);
		for (const [index, item] of output.entries()) expect(await binaryBuffer(item.binary!.data)).toEqual(resultImage(index));
		expect(output[0].json).toMatchObject({ model: 'black-forest-labs/flux-2-pro', prompt: 'a red chair', taskId: task.id, status: 'succeeded', imageCount: 2 });
		// the prediction's metrics are kept; its echoed input images are not
		expect((output[0].json.task as Record<string, unknown>).metrics).toEqual({ image_count: 2, predict_time: 8.9 });
		expect(JSON.stringify(output[0].json)).not.toContain(first.toString('base64'));
	});

	it('an output that is one URL (flux-kontext-pro) gives one image', async () => {
		const { error, output } = await predict({ replicateModel: 'black-forest-labs/flux-kontext-pro', input: '{"prompt": "make it blue"}' });
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(resultImage(0));
	});

	it.each([
		['failed', 'NSFW content detected', /Replicate task failed: NSFW content detected/],
		['canceled', undefined, /Replicate task failed: the prediction ended canceled/],
	])('a %s prediction is an error with its error and the prediction ID', async (status, reason, message) => {
		replicate.plan({ statuses: ['starting', status], reason });
		const { error, output } = await predict({}, { continueOnFail: true });
		expect(error).toBeUndefined();
		const [task] = replicate.tasks.values();
		expect(output[0].json).toMatchObject({ error: expect.stringMatching(message), taskId: task.id, status });
	});

	it.each([
		[{ replicateModel: 'flux-2-pro' }, /Model "flux-2-pro" is not owner\/name/],
		[{ input: '{}' }, /Input \(JSON\) is empty/],
		[{ input: '[1]' }, /Input \(JSON\) must be a JSON object/],
		[{ input: '{\n  "prompt": "",\n  "output_format": "png"\n}' }, /the "prompt" of Input \(JSON\) is empty/],
		[{ input: '{"prompt": "   ", "aspect_ratio": "1:1"}' }, /the "prompt" of Input \(JSON\) is empty/],
		[{ imageInputs: { images: [{ binaryField: 'first', inputKey: '' }] } }, /has no Input Key/],
		[{ imageInputs: { images: [{ binaryField: 'nope', inputKey: 'image' }] } }, /no binary property "nope"/],
	])('bad input %j is refused before any request', async (parameters, message) => {
		const { error } = await predict(parameters, { input });
		expect(error?.message).toMatch(message);
		expect(api.requests).toHaveLength(0);
	});

	it('the default Input (an empty "prompt") is refused before sending; a model without a prompt key runs', async () => {
		const { error } = await fake.run('replicate', 'createPrediction', {});
		expect(error?.message).toMatch(/the "prompt" of Input \(JSON\) is empty/);
		expect(error?.description).toMatch(/remove the "prompt" key if the model takes none/);
		expect(api.requests).toHaveLength(0);
		const upscale = await predict({ replicateModel: 'nightmareai/real-esrgan', input: '{"scale": 2}', imageInputs: { images: [{ binaryField: 'first', inputKey: 'image' }] } }, { input });
		expect(upscale.error).toBeUndefined();
	});

	it('a prediction the API forgot (404) is an error with the prediction ID', async () => {
		replicate.plan({ statuses: ['starting', 'succeeded'], expireAfterPolls: 1 });
		const { error } = await predict();
		expect(error?.httpCode).toBe('404');
		expect(error?.context?.task).toEqual({ taskId: api.requests[1].path.split('/').pop(), status: 'starting' });
		expect(error?.description).toContain(`Task ID ${api.requests[1].path.split('/').pop()}`);
	});
});
