import { sleep } from 'n8n-workflow';

import { API_KEY, errorReply } from '../../../../helpers/fake-cometapi';
import { gate, isMjPoll, taskImage, useFakeMidjourney } from '../../../../helpers/fake-midjourney';
import { binaryBuffer, startCometApi } from '../../../../helpers/harness';
import { eventually } from '../../../../helpers/setup';

/*
 * The task engine (actions/tasks/engine.ts) as the Midjourney operations use it: a submission is sent
 * once, polls are free, Max Wait and cancel stop the wait, errors carry the task ID, Get Task
 * resumes, and waiting items hold no request slot.
 */

const mj = useFakeMidjourney();
const imagine = (options: Record<string, unknown> = {}, extra = {}) =>
	mj.run({ operation: 'imagine', prompt: 'a lighthouse', options }, extra);
// a look: a fetch of one task or a list-by-condition of the run's due tasks
const polls = () => mj.api.requests.filter(isMjPoll).length;
const MAY_HAVE_ARRIVED = 'It was not sent again: the task may have been created (and billed)';

describe('A submission is sent once', () => {
	it('a submit that times out after the server recorded the task is not sent again, and says the task may exist', async () => {
		mj.plan(() => ({ replyDelayMs: 5000 }));
		const { error } = await imagine({ timeout: 0.3, maxRetries: 3, retryTimeouts: true });
		expect(mj.submissions()).toHaveLength(1);
		expect(mj.tasks.size).toBe(1); // the server did create it
		expect(error?.description).toContain(MAY_HAVE_ARRIVED);
		expect(error?.context?.task).toBeUndefined();
		expect(polls()).toBe(0);
	});

	it.each([
		['a 502', errorReply(502, 'Bad gateway')],
		['a connection reset after sending', { destroy: true }],
	])('%s in answer to a submit is not sent again', async (_case, reply) => {
		mj.api.override((request) => (request.path.startsWith('/mj/submit/') ? reply : undefined));
		const { error } = await imagine({ maxRetries: 3 });
		expect(mj.submissions()).toHaveLength(1);
		expect(error?.description).toContain(MAY_HAVE_ARRIVED);
	});

	it('a 429 is sent again (it surely created nothing), and the task then runs', async () => {
		let refused = 0;
		mj.api.override((request) =>
			request.path.startsWith('/mj/submit/') && refused++ < 2 ? { ...errorReply(429, 'Too many requests'), headers: { 'retry-after': '0' } } : undefined,
		);
		const { error, output } = await imagine();
		expect(error).toBeUndefined();
		expect(mj.submissions().map((r) => r.status)).toEqual([429, 429, 200]);
		expect(mj.tasks.size).toBe(1);
		expect(output[0].json.status).toBe('SUCCESS');
	});

	it('an error once the task exists carries its task ID (here: the poll refused with 401)', async () => {
		let seen = 0;
		mj.api.override((request) => (isMjPoll(request) && seen++ >= 1 ? errorReply(401, 'Invalid token') : undefined));
		mj.plan(() => ({ durationMs: 5000 }));
		const { error } = await imagine();
		expect(error?.message).toMatch(/^Invalid token/);
		expect(error?.context?.task).toEqual({ taskId: mj.lastTask().id, status: 'NOT_START', progress: '0%' });
		expect(mj.submissions()).toHaveLength(1);
	});
});

describe('Polls', () => {
	it('5xx, resets and 429s on polls are missed looks: the wait goes on (Max Retries 0), nothing is submitted again', async () => {
		const failures = [errorReply(500, 'Internal error'), { destroy: true }, errorReply(503, 'Unavailable'), { ...errorReply(429, 'Slow down'), headers: { 'retry-after': '0' } }];
		let index = 0;
		mj.api.override((request) => (isMjPoll(request) && index < failures.length ? failures[index++] : undefined));
		const { error, output } = await imagine({ maxRetries: 0 });
		expect(error).toBeUndefined();
		expect(index).toBe(failures.length);
		expect(mj.submissions()).toHaveLength(1);
		expect(output[0].json.status).toBe('SUCCESS');
	});

	it('a task still running at Max Wait is an error with its task ID and last status and progress; the pause grows', async () => {
		mj.plan(() => ({ never: true, durationMs: 100 }));
		const { error } = await imagine({ maxWait: 0.02, pollInterval: 0.05 });
		expect(error?.message).toMatch(/the Midjourney task did not end within 1\.2 s \(Max Wait\); last seen: IN_PROGRESS, \d+%$/);
		expect(error?.context?.task).toEqual({ taskId: mj.lastTask().id, status: 'IN_PROGRESS', progress: expect.stringMatching(/^\d+%$/) });
		expect(error?.description).toContain('Get Task');
		// 1.2 s at a fixed 50 ms is 14 to 24 looks; pauses growing to 250 ms make at most 9
		expect(polls()).toBeLessThanOrEqual(10);
		expect(polls()).toBeGreaterThan(2);
	});

	it('with continueOnFail, the Max Wait error item holds taskId, status and progress', async () => {
		mj.plan(() => ({ never: true, durationMs: 50 }));
		const { output } = await imagine({ maxWait: 0.003 }, { continueOnFail: true });
		expect(output[0].json).toMatchObject({ taskId: mj.lastTask().id, status: 'IN_PROGRESS', progress: expect.stringMatching(/%$/), itemIndex: 0 });
	});
});

describe('Get Task resumes a task without a new submission', () => {
	it('after Max Wait ran out, Get Task with the error item’s task ID waits for it and downloads its image', async () => {
		mj.plan(() => ({ durationMs: 800 }));
		const first = await imagine({ maxWait: 0.002 }, { continueOnFail: true });
		const taskId = String(first.output[0].json.taskId);
		expect(taskId).toBe(mj.lastTask().id);
		const { error, output } = await mj.run({ operation: 'getTask', taskId: '={{ $json.taskId }}' }, { input: [{ json: first.output[0].json }] });
		expect(error).toBeUndefined();
		expect(mj.submissions()).toHaveLength(1);
		expect(output[0].json).toMatchObject({ taskId, status: 'SUCCESS', action: 'IMAGINE' });
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(taskImage(mj.lastTask()).data);
	});

	it('Max Wait 0 outputs the task as just submitted; Get Task without waiting reads it once as it is', async () => {
		mj.plan(() => ({ durationMs: 600 }));
		const submitted = await imagine({ maxWait: 0 });
		expect(submitted.error).toBeUndefined();
		expect(submitted.output[0].json).toMatchObject({ taskId: mj.lastTask().id, status: 'NOT_START' });
		expect(submitted.output[0].binary).toBeUndefined();
		expect(mj.sequence()).toEqual(['POST /mj/submit/imagine', 'POST /mj/task/list-by-condition']);

		const once = await mj.run({ operation: 'getTask', taskId: mj.lastTask().id, waitToEnd: false });
		expect(once.output[0].json.status).not.toBe('SUCCESS');
		expect(once.output[0].binary).toBeUndefined();
		expect(polls()).toBe(2);
	});

	it('an unknown task ID (CometAPI’s 400 task_no_found) is "no such task", with that task ID; every variant: midjourney-api.unknown-task.test.ts', async () => {
		const { error } = await mj.run({ operation: 'getTask', taskId: '999' });
		// left out of list-by-condition's answer, then read once with its own fetch, which says it does not exist
		expect(mj.sequence()).toEqual(['POST /mj/task/list-by-condition', 'GET /mj/task/999/fetch']);
		expect(error?.message).toMatch(/no such task/i);
		expect(error?.message).toContain('999');
		expect(error?.context?.task).toMatchObject({ taskId: '999' });
	});
});

describe('Cancel and overlap', () => {
	it('cancelling the execution stops the wait at once; the error has the task ID and no poll follows', async () => {
		mj.plan(() => ({ never: true }));
		const started = startCometApi({
			parameters: { resource: 'midjourney', operation: 'imagine', prompt: 'a lighthouse', options: { pollInterval: 0.05 } },
			credentials: { apiKey: API_KEY, baseUrl: mj.api.baseUrl },
		});
		expect(await eventually(() => polls() >= 2)).toBe(true);
		started.cancel();
		const { error } = await started.nodeSettled;
		expect(error?.message).toMatch(/cancelled/);
		expect((error as Error & { context: { task?: unknown } }).context.task).toMatchObject({ taskId: mj.lastTask().id, status: 'IN_PROGRESS' });
		const after = polls();
		await sleep(300);
		expect(polls()).toBe(after);
	});

	it.each([20, 100])('%i items wait at once (each task ends only once all were submitted) while at most 8 requests are in flight', async (count) => {
		const allSubmitted = gate();
		let submitted = 0;
		mj.plan(() => {
			if (++submitted === count) allSubmitted.open();
			return { gate: allSubmitted.promise, durationMs: 100 };
		});
		const input = Array.from({ length: count }, (_, index) => ({ json: { prompt: `lighthouse ${index}` } }));
		const { error, output } = await mj.run(
			{ operation: 'imagine', prompt: '={{ $json.prompt }}', options: { maxWait: 1, pollInterval: count > 20 ? 0.2 : 0.05 } },
			{ input },
		);
		expect(error).toBeUndefined();
		expect(output.map((item) => item.json.prompt)).toEqual(input.map((item) => item.json.prompt));
		expect(output.map((item) => item.pairedItem)).toEqual(input.map((_, item) => ({ item })));
		expect(mj.api.maxInFlight()).toBeLessThanOrEqual(8);
		const firstEnd = Math.min(...[...mj.tasks.values()].map((task) => task.ended!.finishTime));
		const lastSubmit = Math.max(...mj.submissions().map((r) => r.receivedAt));
		expect(lastSubmit).toBeLessThanOrEqual(firstEnd);
	});
});
