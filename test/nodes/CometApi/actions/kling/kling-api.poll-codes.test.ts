import { kling, KLING_CODES, KLING_TRANSIENT } from '../../../../helpers/fake-kling';
import { resultImage, useFakeTaskApis, type FakeTask } from '../../../../helpers/fake-tasks';
import { binaryBuffer } from '../../../../helpers/harness';

/*
 * Kling's poll replies with a non-zero code, as Kling documents them (its API reference's Error
 * Code table, in FAKES.md): the codes that say "try again later" (rate and concurrency limits,
 * server trouble) are a missed look: the task is polled again and ends with its image; the others
 * fail the task with Kling's message, its code and task ID, and a reason. Each is served with the
 * HTTP status Kling documents for it and, as a gateway may relay it, with HTTP 200.
 */

const fake = useFakeTaskApis();
/**
 * Max Wait: 0.5 min for the transient codes (room for the transport's back-off on 5xx and 429);
 * 0.03 min (1.8 s) for the terminal ones, which a node reading them as missed looks would poll until.
 */
const generate = (maxWait: number, extra: Record<string, unknown> = {}) =>
	fake.run('kling', 'generateImage', { prompt: 'a paper lantern festival', options: { maxWait } }, extra);
// A 429 (Kling's status for 1101, 1102) that is waited out may outlast Max Wait: a failure, not a hang.
const TERMINAL_TIMEOUT_MS = 20_000;
const onlyTask = (): FakeTask => {
	expect(kling.tasks.size).toBe(1);
	return [...kling.tasks.values()][0];
};

const HTTP_VARIANTS = [
	['Kling’s documented HTTP status', undefined],
	['HTTP 200', 200],
] as const;

describe.each(HTTP_VARIANTS)('transient codes with %s', (_variant, httpStatus) => {
	it.each(KLING_TRANSIENT)('code %i on two polls in a row: the task is polled again and ends with its image', async (code) => {
		kling.plan({ statuses: ['submitted', 'processing', 'succeed'], detour: { fromPoll: 2, polls: 2, answer: code, httpStatus } });
		const { error, output } = await generate(0.5);
		expect(error).toBeUndefined();
		const task = onlyTask();
		expect(task.detoured).toBe(2);
		expect(task.looks).toBe(5);
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ taskId: task.id, status: 'succeed' });
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(resultImage(0));
	});
});

/** Kling's terminal codes and the reason class each is reported as. */
const TERMINAL: Array<[number, string]> = [
	[1000, 'auth'],
	[1001, 'auth'],
	[1002, 'auth'],
	[1003, 'auth'],
	[1004, 'auth'],
	[1101, 'balance'],
	[1102, 'balance'],
	[1103, 'auth'],
	[1200, 'invalid_request'],
	[1201, 'invalid_request'],
	[1202, 'invalid_request'],
	[1203, 'not_found'],
	[1301, 'moderation'],
];

describe.each(HTTP_VARIANTS)('terminal codes with %s', (_variant, httpStatus) => {
	it.each(TERMINAL)('code %i fails the task at once with Kling’s message, its code and task ID (reason %s)', async (code, reason) => {
		const message = `${KLING_CODES[code].message} (fake ${code})`;
		kling.plan({ statuses: ['submitted', 'processing', 'succeed'], detour: { fromPoll: 2, answer: code, httpStatus, message } });
		const { error, output } = await generate(0.03, { continueOnFail: true });
		expect(error).toBeUndefined();
		const task = onlyTask();
		expect(task.detoured).toBe(1);
		expect(output).toHaveLength(1);
		const json = output[0].json;
		expect(String(json.error)).toContain(message);
		expect(json.code).toBe(String(code));
		expect(json.taskId).toBe(task.id);
		expect(json.reason).toBe(reason);
		// the task was accepted before its poll was refused
		expect(json.billed).toBe('yes');
	}, TERMINAL_TIMEOUT_MS);
});

describe('without Continue On Fail', () => {
	it('a terminal code is the node’s error, quoting Kling and naming the task', async () => {
		kling.plan({ statuses: ['submitted', 'succeed'], detour: { fromPoll: 1, answer: 1301, httpStatus: 200, message: 'Failure to pass the risk control system' } });
		const { error } = await generate(0.03);
		const task = onlyTask();
		expect(task.detoured).toBe(1);
		expect(error?.message).toContain('Failure to pass the risk control system');
		expect(error?.context?.task).toMatchObject({ taskId: task.id });
	});
});
