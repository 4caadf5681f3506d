import { bria, type BriaCreateShape } from '../../../../helpers/fake-bria';
import { resultImage, useFakeTaskApis } from '../../../../helpers/fake-tasks';
import { binaryBuffer } from '../../../../helpers/harness';
import { makePng, makeWebp } from '../../../../helpers/images';

const fake = useFakeTaskApis();
const { api } = fake;
const photo = makePng(16, 16, 8);
const mask = makePng(16, 16, 9);
const input = [{ binary: { data: { data: photo, mimeType: 'image/png' }, mask: { data: mask, mimeType: 'image/png' } } }];
const uri = (data: Buffer, type = 'image/png') => `data:${type};base64,${data.toString('base64')}`;

const edit = (parameters: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
	fake.run('bria', 'editImage', { editAction: 'replace_background', prompt: 'on a marble counter', ...parameters }, { input, ...extra });

describe('Bria, Edit Image', () => {
	it('replace background: image as a data URI and the prompt, then GET /bria/{request_id} until COMPLETED', async () => {
		const { error, output } = await edit();
		expect(error).toBeUndefined();
		const [task] = bria.tasks.values();
		expect(fake.sent('/bria')).toEqual(['POST /bria/image/edit/replace_background', `GET /bria/${task.id}`, `GET /bria/${task.id}`]);
		expect(api.requests[0].json).toEqual({ image: uri(photo), prompt: 'on a marble counter' });
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(resultImage(0));
		expect(output[0].json).toMatchObject({ action: 'replace_background', prompt: 'on a marble counter', taskId: task.id, status: 'COMPLETED' });
	});

	it.each([
		['erase', { image: uri(photo), mask: uri(mask) }],
		['gen_fill', { image: uri(photo), mask: uri(mask), prompt: 'a vase of tulips' }],
		['expand', { image: uri(photo), mask: uri(mask) }],
		['enhance', { image: uri(photo) }],
		['increase_resolution', { image: uri(photo) }],
		['replace_background', { image: uri(photo), prompt: 'a vase of tulips' }],
	])('%s sends what the action needs: %j', async (action, body) => {
		const { error, output } = await edit({ editAction: action, prompt: 'a vase of tulips', maskField: 'mask' });
		expect(error).toBeUndefined();
		expect(api.requests[0].path).toBe(`/bria/image/edit/${action}`);
		expect(api.requests[0].json).toEqual(body);
		expect(output).toHaveLength(1);
	});

	it('Number of Results 2 gives two images (result.image_urls); a WEBP input goes with its own type', async () => {
		const webp = makeWebp(16, 16);
		const { output } = await edit({ options: { numResults: 2 } }, { input: [{ binary: { data: { data: webp, mimeType: 'image/webp' } } }] });
		expect(api.requests[0].json).toEqual({ image: uri(webp, 'image/webp'), prompt: 'on a marble counter', num_results: 2 });
		expect(output.map((item) => item.json.imageIndex)).toEqual([1, 2]);
	});

	it.each<[BriaCreateShape, number]>([
		['topLevel', 2],
		['inResult', 2],
		['inData', 2],
		['completed', 0],
	])('a create reply with request_id %s is read; polls: %i', async (shape, polls) => {
		bria.createShape = shape;
		const { error, output } = await edit();
		expect(error).toBeUndefined();
		expect(fake.sent('/bria/')).toHaveLength(1 + polls);
		expect(output[0].json.taskId).toBe([...bria.tasks.keys()][0]);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(resultImage(0));
	});

	it.each([
		[{ editAction: 'gen_fill', prompt: '={{ "" }}' }, /Prompt is empty/],
		[{ editAction: 'replace_background', prompt: '  ' }, /Prompt is empty/],
		[{ editAction: 'erase', maskField: '={{ "" }}' }, /Erase needs a mask, and the Mask Field is empty/],
		[{ editAction: 'expand', maskField: 'nomask' }, /no binary property "nomask" \(Mask Field\)/],
		[{ editAction: 'fill' }, /Action "fill" is not one Bria takes/],
		[{ options: { numResults: 0 } }, /Number of Results 0/],
	])('bad input %j is refused before any request', async (parameters, message) => {
		const { error } = await edit(parameters);
		expect(error?.message).toMatch(message);
		expect(api.requests).toHaveLength(0);
	});

	it('an image over 12 MB is refused before sending', async () => {
		const big = Buffer.concat([photo, Buffer.alloc(12 * 1024 * 1024)]);
		const { error } = await edit({}, { input: [{ binary: { data: { data: big, mimeType: 'image/png' } } }] });
		expect(error?.message).toMatch(/"data" \(Image Field\) is 12\.0 MB, more than the 12\.0 MB Bria takes/);
		expect(api.requests).toHaveLength(0);
	});

	it.each([
		['ERROR', 'Processing failed', /Bria task failed: Processing failed: The image could not be edited/],
		['UNKNOWN', undefined, /Bria task failed: Bria does not know the state of this request \(UNKNOWN\)/],
	])('%s is an error with the request ID', async (status, reason, message) => {
		bria.plan({ statuses: ['IN_PROGRESS', status], reason });
		const { error } = await edit();
		expect(error?.message).toMatch(message);
		expect(error?.context?.task).toEqual({ taskId: [...bria.tasks.keys()][0], status });
	});

	it('an unknown or expired request (404 NOT_FOUND) is an error with the request ID', async () => {
		bria.plan({ statuses: ['IN_PROGRESS', 'COMPLETED'], expireAfterPolls: 1 });
		const { error } = await edit();
		expect(error?.httpCode).toBe('404');
		expect(error?.message).toMatch(/NOT_FOUND/);
		expect(error?.description).toMatch(/Task ID bria-task-/);
	});
});
