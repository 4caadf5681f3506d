import { bria } from '../../../../helpers/fake-bria';
import { flux } from '../../../../helpers/fake-flux';
import { kling } from '../../../../helpers/fake-kling';
import { replicate } from '../../../../helpers/fake-replicate';
import { resultImage, useFakeTaskApis, type TaskBook } from '../../../../helpers/fake-tasks';
import { binaryBuffer } from '../../../../helpers/harness';
import { makePng } from '../../../../helpers/images';

/*
 * What every task family shares (actions/tasks/operation.ts): Max Wait 0 submits and outputs the
 * task as it stands; Get Task resumes any task by its ID, waiting for it or reading it once; a task
 * still running at Max Wait is an error with its ID that Get Task can pick up.
 */

const fake = useFakeTaskApis();
const { api } = fake;
const input = [{ binary: { data: { data: makePng(16, 16, 4), mimeType: 'image/png' } } }];

interface Family {
	resource: string;
	operation: string;
	parameters: Record<string, unknown>;
	book: TaskBook;
	poll: (id: string) => string;
}

const FAMILIES: Family[] = [
	{ resource: 'flux', operation: 'generateImage', parameters: { prompt: 'a lighthouse' }, book: flux, poll: (id) => `GET /flux/v1/get_result?id=${id}` },
	{ resource: 'replicate', operation: 'createPrediction', parameters: { input: '{"prompt": "a lighthouse"}' }, book: replicate, poll: (id) => `GET /replicate/v1/predictions/${id}` },
	{ resource: 'kling', operation: 'generateImage', parameters: { prompt: 'a lighthouse' }, book: kling, poll: (id) => `GET /kling/v1/images/generations/${id}` },
	{ resource: 'bria', operation: 'editImage', parameters: { editAction: 'enhance' }, book: bria, poll: (id) => `GET /bria/${id}` },
];
const named = FAMILIES.map((family) => [family.resource, family] as const);

describe.each(named)('%s: Get Task and Max Wait', (resource, family) => {
	const submit = (options: Record<string, unknown>) =>
		fake.run(resource, family.operation, { ...family.parameters, options }, { input });
	const getTask = (taskId: string, options: Record<string, unknown> = {}) =>
		fake.run(resource, 'getTask', { taskId, options }, { input: [{ json: { taskId } }] });

	it('Max Wait 0 submits and reads the task once; Get Task then waits for it and outputs its image', async () => {
		const submitted = await submit({ maxWait: 0 });
		expect(submitted.error).toBeUndefined();
		const [task] = family.book.tasks.values();
		expect(submitted.output).toEqual([{ json: expect.objectContaining({ taskId: task.id, imageCount: 0 }), pairedItem: { item: 0 } }]);
		expect(submitted.output[0].binary).toBeUndefined();
		expect(api.requests).toHaveLength(2);
		api.reset();

		const resumed = await getTask(task.id);
		expect(resumed.error).toBeUndefined();
		expect(fake.sent('/')).toEqual(Array(task.plan.statuses.length - 1).fill(family.poll(task.id)));
		expect(resumed.output).toHaveLength(1);
		expect(resumed.output[0].json).toMatchObject({ taskId: task.id, status: task.plan.statuses.at(-1), imageCount: 1 });
		expect(await binaryBuffer(resumed.output[0].binary!.data)).toEqual(resultImage(0, resource === 'flux' ? 'jpeg' : 'png'));
	});

	it('Get Task with Max Wait 0 outputs a running task as it stands', async () => {
		family.book.plan({ statuses: [family.book.statuses.running[0]] });
		await submit({ maxWait: 0 });
		const [task] = family.book.tasks.values();
		const { error, output } = await getTask(task.id, { maxWait: 0 });
		expect(error).toBeUndefined();
		expect(output[0].json).toMatchObject({ taskId: task.id, status: family.book.statuses.running[0], imageCount: 0 });
	});

	it('a task still running at Max Wait is an error with its ID, not cancelled: Get Task picks it up', async () => {
		family.book.plan({ statuses: [...Array(30).fill(family.book.statuses.running[0]), family.book.statuses.done] });
		const waited = await submit({ maxWait: 0.002 });
		const [task] = family.book.tasks.values();
		expect(waited.error?.message).toMatch(/did not end within [\d.]+ (s|min) \(Max Wait\)/);
		expect(waited.error?.description).toMatch(/Get Task/);
		expect(waited.error?.context?.task).toMatchObject({ taskId: task.id });
		task.polls = 29;
		const resumed = await getTask(task.id);
		expect(resumed.output[0].binary).toBeDefined();
	});

	it('an empty Task ID is refused before any request', async () => {
		const { error } = await getTask('={{ "" }}');
		expect(error?.message).toMatch(/Task ID is empty/);
		expect(api.requests).toHaveLength(0);
	});
});
