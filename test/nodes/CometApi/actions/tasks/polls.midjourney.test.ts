import { midjourneyTasks, MIDJOURNEY_BATCH_SIZE } from '../../../../../nodes/CometApi/actions/midjourney/midjourney-api';
import { POLLS_PER_SECOND } from '../../../../../nodes/CometApi/actions/tasks/polls';
import { isPaid } from '../../../../../nodes/CometApi/transport/request';
import { gate, isMjPoll, taskImage, useFakeMidjourney, type MjListRoute } from '../../../../helpers/fake-midjourney';
import { binaryBuffer } from '../../../../helpers/harness';
import { busiestSecond, recordSends } from '../../../../helpers/http-sends';

/*
 * A run's Midjourney tasks read together (actions/tasks/polls.ts): one POST /mj/task/list-by-condition
 * per turn for all the tasks due, at most MIDJOURNEY_BATCH_SIZE IDs each, each task keeping its own
 * Max Wait; a task the answer leaves out is read once with its own fetch; a refused route (404, 405,
 * 400) falls back to single fetches for the rest of the run; Get Task of many IDs batches the same way.
 */

const mj = useFakeMidjourney();
const LIST = '/mj/task/list-by-condition';
const lists = () => mj.api.requests.filter((request) => request.path === LIST);
const fetches = () => mj.api.requests.filter((request) => request.path.endsWith('/fetch'));
const idsOf = (request: { json?: Record<string, unknown> }) => (request.json?.ids as string[] | undefined) ?? [];
const prompts = (count: number) => Array.from({ length: count }, (_, index) => ({ json: { prompt: `lighthouse ${index}` } }));

/** Imagine on `count` items whose tasks end only once all were submitted (then after durationMs). */
async function imagineMany(count: number, options: Record<string, unknown> = {}, durationMs = 300) {
	const allSubmitted = gate();
	let submitted = 0;
	mj.plan(() => {
		if (++submitted === count) allSubmitted.open();
		return { gate: allSubmitted.promise, durationMs };
	});
	return await mj.run(
		{ operation: 'imagine', prompt: '={{ $json.prompt }}', options: { pollInterval: 0.05, maxWait: 1, ...options } },
		{ input: prompts(count) },
	);
}

describe('Midjourney tasks read in batches', () => {
	it(`120 waiting tasks are read with list-by-condition, at most ${MIDJOURNEY_BATCH_SIZE} IDs a request, each output with its own task and image`, async () => {
		const { error, output } = await imagineMany(120);
		expect(error).toBeUndefined();
		expect(output).toHaveLength(120);
		const tasks = [...mj.tasks.values()];
		// the answer's order is not the request's (the fake shuffles it): each item still gets its own task
		output.forEach((item, index) => {
			expect(item.json.prompt).toBe(`lighthouse ${index}`);
			expect(item.json.taskId).toBe(tasks.find((task) => task.prompt === `lighthouse ${index}`)!.id);
		});
		expect(await binaryBuffer(output[7].binary!.data)).toEqual(taskImage(mj.tasks.get(String(output[7].json.taskId))!).data);
		expect(fetches()).toHaveLength(0);
		expect(lists().length).toBeGreaterThan(0);
		expect(Math.max(...lists().map((request) => idsOf(request).length))).toBeLessThanOrEqual(MIDJOURNEY_BATCH_SIZE);
		expect(Math.max(...lists().map((request) => idsOf(request).length))).toBeGreaterThan(10);
		// every task was looked at several times, with far fewer requests than looks
		const looks = tasks.reduce((sum, task) => sum + task.polls, 0);
		expect(looks).toBeGreaterThan(120);
		expect(lists().length).toBeLessThan(looks / 5);
	}, 30_000);

	it('a task the answer leaves out is read once with its own fetch; the others stay in the batch', async () => {
		let dropped: string | undefined;
		mj.api.override((request) => {
			if (request.path !== LIST) return undefined;
			dropped ??= idsOf(request)[0];
			if (!idsOf(request).includes(dropped)) return undefined;
			// as the gateway would answer without that task (e.g. not in its table yet)
			const others = idsOf(request).filter((id) => id !== dropped && mj.tasks.has(id));
			return { json: others.map((id) => ({ id, status: 'IN_PROGRESS', progress: '10%' })) as unknown as Record<string, unknown> };
		});
		const { error, output } = await imagineMany(3);
		expect(error).toBeUndefined();
		expect(output.map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
		expect(output.map((item) => item.json.taskId)).toContain(dropped);
		// each list that left the task out was followed by one fetch of it, and only of it
		const leftOut = lists().filter((request) => idsOf(request).includes(dropped!)).length;
		expect(fetches().map((request) => request.path)).toEqual(Array.from({ length: leftOut }, () => `/mj/task/${dropped}/fetch`));
	});

	it.each<MjListRoute>([404, 405, 400])('a gateway that refuses list-by-condition (%s) is asked once: the run reads its tasks one by one', async (status) => {
		mj.listRoute = status;
		const { error, output } = await imagineMany(6);
		expect(error).toBeUndefined();
		expect(output.map((item) => item.json.status)).toEqual(Array(6).fill('SUCCESS'));
		expect(lists()).toHaveLength(1);
		expect(lists()[0].status).toBe(status);
		expect(fetches().length).toBeGreaterThanOrEqual(6);
	});

	it('Get Task of many task IDs reads them together', async () => {
		mj.plan(() => ({ durationMs: 400 }));
		const submitted = await mj.run({ operation: 'imagine', prompt: '={{ $json.prompt }}', options: { maxWait: 0 } }, { input: prompts(12) });
		expect(submitted.error).toBeUndefined();
		mj.api.reset();
		const { error, output } = await mj.run(
			{ operation: 'getTask', taskId: '={{ $json.taskId }}', options: { pollInterval: 0.05 } },
			{ input: submitted.output.map((item) => ({ json: item.json })) },
		);
		expect(error).toBeUndefined();
		expect(output.map((item) => item.json.taskId)).toEqual(submitted.output.map((item) => item.json.taskId));
		expect(output.every((item) => item.json.status === 'SUCCESS')).toBe(true);
		expect(fetches()).toHaveLength(0);
		expect(Math.max(...lists().map((request) => idsOf(request).length))).toBeGreaterThan(1);
	});

	it(`the looks of a run keep to ${POLLS_PER_SECOND} requests a second, however many tasks wait`, async () => {
		const sent = recordSends((path) => isMjPoll({ path }));
		const { error } = await imagineMany(40, { pollInterval: 0.01 }, 1500).finally(sent.stop);
		expect(error).toBeUndefined();
		// counted when the node sends them (recordSends), not when the fake gets round to reading them
		expect(sent.times).toHaveLength(mj.api.requests.filter(isMjPoll).length);
		// no second (sliding window) holds more than the bound, one early turn aside
		expect(busiestSecond(sent.times)).toBeLessThanOrEqual(POLLS_PER_SECOND + 1);
	}, 20_000);

	it('a task pausing is read along with the tasks due: it ends as soon as a read finds it ended, not at its next look', async () => {
		// item 0 looks every 50 ms at a task of 1.5 s; item 1 pauses 40 s to 60 s at first (past this
		// test's time), its task ends after 300 ms: only a read along with item 0's ends it in time
		mj.plan((_route, body) => ({ durationMs: String(body.prompt).includes('slow') ? 1500 : 300 }));
		const { error, output } = await mj.run(
			{ operation: 'imagine', prompt: '={{ $json.prompt }}', options: { pollInterval: '={{ $json.interval }}', maxWait: 1 } },
			{ input: [{ json: { prompt: 'slow lighthouse', interval: 0.05 } }, { json: { prompt: 'quick lighthouse', interval: 50 } }] },
		);
		expect(error).toBeUndefined();
		expect(output.map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS']);
		expect(lists().some((request) => idsOf(request).length === 2)).toBe(true);
	}, 20_000);

	it('list-by-condition is free: a read, not paid work', () => {
		const request = midjourneyTasks.batch!.request(['1', '2']);
		expect(request).toMatchObject({ method: 'POST', endpoint: LIST, body: { ids: ['1', '2'] }, free: true });
		expect(isPaid(request)).toBe(false);
	});
});
