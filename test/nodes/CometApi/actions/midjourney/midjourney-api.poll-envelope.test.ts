import { useFakeMidjourney } from '../../../../helpers/fake-midjourney';

/*
 * An error envelope ({"error":{message,type,param,code}}) in an HTTP 200 on a Midjourney fetch:
 * new-api relays an upstream error with the upstream's status, so a 200 can carry one (FAKES.md).
 * The item fails at that fetch (no further one, well before Max Wait), quoting CometAPI's message,
 * with the task ID; a submitted task is billed, a Get Task is not. A list-by-condition answered with
 * the envelope is not read as any task's state: each task is read with its own fetch, which quotes it.
 */

const mj = useFakeMidjourney();
const MESSAGE = 'upstream channel error: the Midjourney proxy rejected the fetch';
// 0.03 min (1.8 s): a node that read the envelope as "still running" would fetch until then.
const MAX_WAIT = 0.03;
const detour = (fromPoll: number) => ({ durationMs: 5000, detour: { fromPoll, answer: 'envelope' as const, message: MESSAGE } });

describe('an error envelope in a 200 on a Midjourney fetch', () => {
	it('Imagine: the item fails at the envelope, quoting it, with the task ID; no fetch follows', async () => {
		mj.plan(() => detour(2));
		const { error } = await mj.run({ operation: 'imagine', prompt: 'a lighthouse', options: { maxWait: MAX_WAIT } });
		const task = mj.lastTask();
		// the first list, the list answered with the envelope, the task's own fetch (envelope again), no more
		expect(task.looks).toBe(3);
		expect(task.detoured).toBe(2);
		expect(error?.message).toContain(MESSAGE);
		expect(error?.context?.task).toMatchObject({ taskId: task.id });
	});

	it('Imagine, Continue On Fail: the error item has the task ID, billed yes, not safe to retry', async () => {
		mj.plan(() => detour(2));
		const { error, output } = await mj.run({ operation: 'imagine', prompt: 'a lighthouse', options: { maxWait: MAX_WAIT } }, { continueOnFail: true });
		expect(error).toBeUndefined();
		const task = mj.lastTask();
		expect(task.detoured).toBe(2);
		const json = output[0].json;
		expect(String(json.error)).toContain(MESSAGE);
		expect(json.taskId).toBe(task.id);
		expect(json.billed).toBe('yes');
		expect(json.retrySafe).toBe(false);
	});

	it('Get Task, Continue On Fail: fails at its first fetch, with the task ID, billed no', async () => {
		mj.plan(() => detour(2));
		const submitted = await mj.run({ operation: 'imagine', prompt: 'a lighthouse', options: { maxWait: 0 } });
		expect(submitted.error).toBeUndefined();
		const task = mj.lastTask();
		expect(task.looks).toBe(1);
		mj.api.reset();

		const { error, output } = await mj.run({ operation: 'getTask', taskId: task.id, options: { maxWait: MAX_WAIT } }, { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(mj.sequence()).toEqual(['POST /mj/task/list-by-condition', 'GET /mj/task/{id}/fetch']);
		expect(task.detoured).toBe(2);
		const json = output[0].json;
		expect(String(json.error)).toContain(MESSAGE);
		expect(json.taskId).toBe(task.id);
		expect(json.billed).toBe('no');
		expect(json.retrySafe).toBe(true);
	});
});
