import { API_KEY, type RecordedRequest } from '../../../../helpers/fake-cometapi';
import { flux } from '../../../../helpers/fake-flux';
import { resultImage, useFakeTaskApis } from '../../../../helpers/fake-tasks';
import { binaryBuffer, model } from '../../../../helpers/harness';
import { makeJpeg, makePng } from '../../../../helpers/images';

const fake = useFakeTaskApis();
const { api } = fake;
const photo = makePng(16, 16, 5);
const input = [{ binary: { photo: { data: photo, mimeType: 'image/png', fileName: 'photo.png' } } }];

const generate = (parameters: Record<string, unknown> = {}, extra = {}) =>
	fake.run('flux', 'generateImage', { prompt: 'a lighthouse', ...parameters }, extra);

describe('Flux, Generate or Edit Image', () => {
	it('submits once to /flux/v1/{model} below the host root, polls get_result until Ready, downloads result.sample', async () => {
		const { error, output } = await generate({
			modelId: model('flux-pro-1.1'),
			sizeMode: 'dimensions',
			width: 1024,
			height: 768,
			options: { seed: 42, outputFormat: 'png', safetyTolerance: 3 },
		});
		expect(error).toBeUndefined();
		const [task] = flux.tasks.values();
		expect(fake.sent('/flux')).toEqual([
			'POST /flux/v1/flux-pro-1.1',
			`GET /flux/v1/get_result?id=${task.id}`,
			`GET /flux/v1/get_result?id=${task.id}`,
		]);
		for (const request of api.requests) expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(api.requests[0].json).toEqual({ prompt: 'a lighthouse', width: 1024, height: 768, seed: 42, output_format: 'png', safety_tolerance: 3 });
		// the sample was downloaded at once, without the key
		expect(api.imageHost.requests.map((r) => [r.path, r.headers.authorization])).toEqual([[`/results/${task.id}/1.png`, undefined]]);
		expect(output).toHaveLength(1);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(resultImage(0, 'png'));
		expect(output[0].json).toMatchObject({ model: 'flux-pro-1.1', prompt: 'a lighthouse', width: 1024, height: 768, taskId: task.id, status: 'Ready', url: task.urls[0] });
		expect(output[0].json.task).toMatchObject({ id: task.id, status: 'Ready', result: { sample: task.urls[0] } });
	});

	const ratio = { sizeMode: 'aspectRatio', aspectRatio: '21:9' };
	const pixels = { sizeMode: 'dimensions', width: 1024, height: 1024 };
	it.each([
		['flux-kontext-pro', ratio, {}, 'input_image'],
		['flux-2-pro', pixels, {}, 'input_image'],
		['flux-pro-1.1-ultra', ratio, {}, 'image_prompt'],
		['flux-pro-1.1', pixels, {}, 'image_prompt'],
		['flux-kontext-max', ratio, { referenceImageKey: 'input_image_2' }, 'input_image_2'],
	])('%s: the reference image goes as bare base64 under the Send As key → %j %j %s', async (id, size, options, key) => {
		const { error } = await generate({ modelId: model(id, 'id'), referenceImage: 'photo', ...size, options }, { input });
		expect(error).toBeUndefined();
		const sentSize = 'width' in size ? { width: 1024, height: 1024 } : { aspect_ratio: '21:9' };
		expect(api.requests[0].json).toEqual({ prompt: 'a lighthouse', ...sentSize, [key]: photo.toString('base64') });
		expect(fake.sent('/flux')).toHaveLength(3);
	});

	it('the model default size sends neither width/height nor aspect_ratio; the result type follows the image (JPEG)', async () => {
		const { output } = await generate({ modelId: model('flux-dev') });
		expect(api.requests[0].json).toEqual({ prompt: 'a lighthouse' });
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(resultImage(0, 'jpeg'));
		expect(output[0].binary!.data.mimeType).toBe('image/jpeg');
	});

	it.each([
		[{ sizeMode: 'dimensions', width: 1000, height: 768 }, /Width 1000 is not a multiple of 32/],
		[{ sizeMode: 'dimensions', width: 1024, height: 30 }, /Height 30 is not a multiple of 32/],
		[{ options: { safetyTolerance: 7 } }, /Safety Tolerance 7/],
		[{ referenceImage: 'missing' }, /no binary property "missing"/],
		[{ prompt: ' ' }, /Prompt is empty/],
		[{ options: { additionalBodyFields: '{oops' } }, /Additional Body Fields \(JSON\) is not valid JSON/],
	])('bad input %j is refused before any request', async (parameters, message) => {
		const { error } = await generate(parameters, { input });
		expect(error?.message).toMatch(message);
		expect(api.requests).toHaveLength(0);
	});

	it.each([
		['Request Moderated', /moderated \(Request Moderated\)/],
		['Content Moderated', /moderated \(Content Moderated\)/],
		['Error', /Flux reported an error/],
	])('%s ends the task: an error with the task ID, nothing downloaded', async (status, message) => {
		flux.plan({ statuses: ['Pending', status] });
		const { error, output } = await generate({}, { continueOnFail: true });
		expect(error).toBeUndefined();
		const [task] = flux.tasks.values();
		expect(output).toEqual([{ json: expect.objectContaining({ error: expect.stringMatching(message), taskId: task.id, status, code: status, itemIndex: 0 }), pairedItem: { item: 0 } }]);
		expect(String(output[0].json.description)).toContain(`Task ID ${task.id}`);
		expect(api.imageHost.requests).toHaveLength(0);
	});

	it('a task that expired ("Task not found") is a clear error with the task ID', async () => {
		flux.plan({ statuses: ['Pending', 'Ready'], expireAfterPolls: 1 });
		const { error } = await generate();
		const taskId = api.requests[1].query?.id;
		expect(error?.message).toMatch(/Flux task failed: the task was not found: it expired/);
		expect(error?.context?.task).toEqual({ taskId, status: 'Task not found' });
		expect(fake.sent('/flux')).toEqual(['POST /flux/v1/flux-pro-1.1', ...Array(2).fill(`GET /flux/v1/get_result?id=${taskId}`)]);
	});

	it('a poll answered 503 is a missed look: the next poll finds the task Ready', async () => {
		let failed = 0;
		api.override((request) => (request.path === '/flux/v1/get_result' && failed++ === 0 ? { status: 503, json: { error: { message: 'busy' } } } : undefined));
		const { error, output } = await generate();
		expect(error).toBeUndefined();
		expect(api.statusCounts()[503]).toBe(1);
		expect(output).toHaveLength(1);
	});

	it('a submission answered 500 is not sent again: the task may exist', async () => {
		api.override((request) => (request.method === 'POST' ? { status: 500, json: { error: { message: 'upstream failed' } } } : undefined));
		const { error } = await generate();
		expect(fake.sent('/flux')).toEqual(['POST /flux/v1/flux-pro-1.1']);
		expect(error?.description).toMatch(/not sent again/);
	});

	it('a submission CometAPI refuses (no id) quotes its message', async () => {
		const { error } = await generate({ modelId: model('flux-unknown', 'id') });
		expect(error?.message).toMatch(/model flux-unknown not found/);
		expect(fake.sent('/flux')).toEqual(['POST /flux/v1/flux-unknown']);
	});

	it('three items wait at once with Max Concurrent Requests 1; outputs keep the input order', async () => {
		const prompts = ['one', 'two', 'three'].map((prompt) => ({ json: { prompt } }));
		flux.plan({ statuses: ['Pending', 'Pending', 'Pending', 'Ready'] }, { statuses: ['Pending', 'Ready'] }, { statuses: ['Ready'] });
		const { error, output } = await generate({ prompt: '={{ $json.prompt }}', options: { maxConcurrency: 1 } }, { input: prompts });
		expect(error).toBeUndefined();
		expect(output.map((item) => [item.json.prompt, item.pairedItem])).toEqual([['one', { item: 0 }], ['two', { item: 1 }], ['three', { item: 2 }]]);
		// a waiting item holds no slot: all three were submitted before the first task's last poll
		const first = flux.tasks.values().next().value!;
		expect(first.polls).toBe(4);
		const lastIndex = (matches: (request: RecordedRequest) => boolean) => api.requests.map(matches).lastIndexOf(true);
		const lastPollOfFirst = lastIndex((r) => r.query?.id === first.id);
		const lastSubmission = lastIndex((r) => r.method === 'POST');
		expect(lastSubmission).toBeLessThan(lastPollOfFirst);
	});

	it('JPEG input images are sent as they are', async () => {
		const jpeg = makeJpeg(16, 16, 2);
		await generate({ modelId: model('flux-kontext-pro'), referenceImage: 'photo' }, { input: [{ binary: { photo: { data: jpeg, mimeType: 'image/jpeg' } } }] });
		expect(api.requests[0].json?.input_image).toBe(jpeg.toString('base64'));
	});
});

describe('Flux, FLUX.2: several reference images, 4 MP, flex steps and guidance', () => {
	const three = [{ binary: { a: { data: makePng(16, 16, 1), mimeType: 'image/png' }, b: { data: makeJpeg(16, 16, 2), mimeType: 'image/jpeg' }, c: { data: makePng(16, 16, 3), mimeType: 'image/png' } } }];

	it('three reference images go to flux-2-pro as input_image, input_image_2, input_image_3, in order', async () => {
		const { error, output } = await generate({ modelId: model('flux-2-pro'), referenceImage: 'a, b ,c' }, { input: three });
		expect(error).toBeUndefined();
		const sent = api.requests[0].json!;
		expect(Object.keys(sent)).toEqual(['prompt', 'input_image', 'input_image_2', 'input_image_3']);
		expect(sent.input_image_2).toBe(makeJpeg(16, 16, 2).toString('base64'));
		expect(output[0].json).toMatchObject({ referenceImage: 'a, b, c', referenceImageKey: 'input_image' });
	});

	it.each([
		['flux-2-klein-4b', 5, 'lists 5 images, more than the 4 flux-2-klein-4b takes'],
		['flux-2-max', 9, 'lists 9 images, more than the 8 flux-2-max takes'],
		['flux-kontext-pro', 2, 'lists 2 images, more than the 1 flux-kontext-pro takes'],
	])('%s: %i reference images are refused before anything is sent', async (id, count, message) => {
		const binary = Object.fromEntries(Array.from({ length: count }, (_, i) => [`r${i}`, { data: makePng(8, 8, i), mimeType: 'image/png' }]));
		const { error } = await generate({ modelId: model(id as string, 'id'), referenceImage: Object.keys(binary).join(',') }, { input: [{ binary }] });
		expect(error?.message).toContain(message);
		expect(api.requests).toHaveLength(0);
	});

	it('more than 4 megapixels is refused before sending; 2048×2048 is taken', async () => {
		const refused = await generate({ modelId: model('flux-2-pro'), sizeMode: 'dimensions', width: 2080, height: 2048 });
		expect(refused.error?.message).toMatch(/2080×2048 is more than the 4 megapixels/);
		expect(api.requests).toHaveLength(0);
		const { error } = await generate({ modelId: model('flux-2-pro'), sizeMode: 'dimensions', width: 2048, height: 2048 });
		expect(error).toBeUndefined();
	});

	it('Steps and Guidance go to flux-2-flex; for other models, or out of range, they are refused before sending', async () => {
		const { error } = await generate({ modelId: model('flux-2-flex'), options: { steps: 28, guidance: 3.5 } });
		expect(error).toBeUndefined();
		expect(api.requests[0].json).toMatchObject({ steps: 28, guidance: 3.5 });
		const other = await generate({ modelId: model('flux-2-pro'), options: { steps: 28 } });
		expect(other.error?.message).toMatch(/Steps \(Flex\) is for flux-2-flex only, not flux-2-pro/);
		const range = await generate({ modelId: model('flux-2-flex'), options: { guidance: 12 } });
		expect(range.error?.message).toMatch(/Guidance 12 is not from 1.5 to 10/);
		expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
	});
});
