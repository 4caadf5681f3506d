import { bria } from '../../../../helpers/fake-bria';
import { flux } from '../../../../helpers/fake-flux';
import { kling } from '../../../../helpers/fake-kling';
import { replicate } from '../../../../helpers/fake-replicate';
import { useFakeTaskApis, type FakeTask, type TaskBook } from '../../../../helpers/fake-tasks';
import { makePng } from '../../../../helpers/images';

/*
 * An error envelope ({"error":{message,type,param,code}}) in an HTTP 200 on a poll, for every task
 * family: new-api relays an upstream error with the upstream's status, so a 200 can carry one
 * (FAKES.md). The item fails at once (no further poll, well before Max Wait), quoting CometAPI's
 * message, with the task ID. Submit-and-wait: the task was accepted, so billed 'yes' and running
 * the item again would pay again; Get Task: billed 'no'.
 */

const fake = useFakeTaskApis();
const input = [{ binary: { data: { data: makePng(16, 16, 4), mimeType: 'image/png' } } }];
const MESSAGE = 'upstream channel error: the provider rejected the status query';
// 0.03 min (1.8 s): a node that read the envelope as "still running" would poll until then.
const MAX_WAIT = 0.03;

interface Family {
	resource: string;
	operation: string;
	parameters: Record<string, unknown>;
	book: TaskBook;
	/** What a seeded task's submission held (what the fake's poll reply reads from it). */
	seedBody?: Record<string, unknown>;
}

const FAMILIES: Family[] = [
	{ resource: 'flux', operation: 'generateImage', parameters: { prompt: 'a lighthouse' }, book: flux },
	{
		resource: 'replicate',
		operation: 'createPrediction',
		parameters: { input: '{"prompt": "a lighthouse"}' },
		book: replicate,
		seedBody: { owner: 'black-forest-labs', name: 'flux-2-pro', input: { prompt: 'a lighthouse' } },
	},
	{ resource: 'kling', operation: 'generateImage', parameters: { prompt: 'a lighthouse' }, book: kling },
	{ resource: 'bria', operation: 'editImage', parameters: { editAction: 'enhance' }, book: bria },
];

/** A plan that runs for a while, with the envelope from the given poll on (every poll after it too). */
function envelopePlan(book: TaskBook, fromPoll: number) {
	const running = book.statuses.running[0];
	return { statuses: [running, running, running, book.statuses.done], detour: { fromPoll, answer: 'envelope' as const, message: MESSAGE } };
}

const onlyTask = (book: TaskBook): FakeTask => {
	expect(book.tasks.size).toBe(1);
	return [...book.tasks.values()][0];
};

describe.each(FAMILIES.map((family) => [family.resource, family] as const))('%s: an error envelope in a 200 on a poll', (resource, family) => {
	const submit = (extra: Record<string, unknown> = {}) =>
		fake.run(resource, family.operation, { ...family.parameters, options: { maxWait: MAX_WAIT } }, { input, ...extra });
	const getTask = (taskId: string, extra: Record<string, unknown> = {}) =>
		fake.run(resource, 'getTask', { taskId, options: { maxWait: MAX_WAIT } }, { input: [{ json: { taskId } }], ...extra });

	it('submit and wait: the item fails at the envelope, quoting it, with the task ID; no poll follows', async () => {
		family.book.plan(envelopePlan(family.book, 2));
		const { error } = await submit();
		const task = onlyTask(family.book);
		expect(task.detoured).toBe(1);
		expect(task.looks).toBe(2);
		expect(error?.message).toContain(MESSAGE);
		expect(error?.context?.task).toMatchObject({ taskId: task.id });
	});

	it('submit and wait, Continue On Fail: the error item has the task ID, billed yes, not safe to retry', async () => {
		family.book.plan(envelopePlan(family.book, 2));
		const { error, output } = await submit({ continueOnFail: true });
		expect(error).toBeUndefined();
		const task = onlyTask(family.book);
		expect(task.detoured).toBe(1);
		expect(output).toHaveLength(1);
		const json = output[0].json;
		expect(String(json.error)).toContain(MESSAGE);
		expect(json.taskId).toBe(task.id);
		expect(json.billed).toBe('yes');
		expect(json.retrySafe).toBe(false);
	});

	it('Get Task, Continue On Fail: fails at the first poll, with the task ID, billed no', async () => {
		const task = family.book.seed(envelopePlan(family.book, 1), family.seedBody);
		const { error, output } = await getTask(task.id, { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(task.looks).toBe(1);
		expect(task.detoured).toBe(1);
		expect(fake.sent('/')).toHaveLength(1);
		const json = output[0].json;
		expect(String(json.error)).toContain(MESSAGE);
		expect(json.taskId).toBe(task.id);
		expect(json.billed).toBe('no');
		expect(json.retrySafe).toBe(true);
	});
});
