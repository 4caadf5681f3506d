import { API_KEY, errorReply } from '../../../helpers/fake-cometapi';
import { useFakeMidjourney } from '../../../helpers/fake-midjourney';
import { runCometApi } from '../../../helpers/harness';

/*
 * How failed items are reported: every error item and the node's error say whether the item was
 * billed (`billed`), whether running it again is safe (`retrySafe`) and why it failed (`reason`);
 * a run that fails without Continue On Fail hands back the paid tasks it did not output, and
 * counts the paid requests it stopped in flight.
 */

const mj = useFakeMidjourney();
const api = mj.api;
const GENERATIONS = '/v1/images/generations';

const prompts = (count: number) => Array.from({ length: count }, (_, index) => ({ json: { prompt: `lighthouse ${index}` } }));

function generate(options: Record<string, unknown> = {}, continueOnFail = true, prompt = 'a lighthouse') {
	return runCometApi({
		parameters: { resource: 'image', operation: 'generate', prompt, options },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		continueOnFail,
	});
}

async function errorItemOf(run: Promise<{ output: Array<{ json: Record<string, unknown> }> }>) {
	const { output } = await run;
	expect(output).toHaveLength(1);
	return output[0].json;
}

describe('every error says whether it was billed', () => {
	it('an input checked before sending: billed no, safe to run again, invalid_request', async () => {
		const item = await errorItemOf(generate({}, true, ' '));
		expect(item).toMatchObject({ billed: 'no', retrySafe: true, reason: 'invalid_request' });
		expect(item.description).toContain('Billed: no');
		expect(api.requests).toHaveLength(0);
	});

	it.each([
		[400, 'Invalid size', 'invalid_value', 'invalid_request'],
		[400, 'Your request was rejected by the safety system', 'moderation_blocked', 'moderation'],
		[401, 'Invalid token', '', 'auth'],
		[403, 'insufficient user quota', 'insufficient_user_quota', 'balance'],
		[404, 'model gpt-image-9 not found', 'model_not_found', 'not_found'],
		[429, 'Rate limit reached', 'rate_limit_exceeded', 'rate_limit'],
		[500, 'upstream failed', 'upstream_error', 'server'],
	])('HTTP %i (%s, code %s): billed no, retrySafe, reason %s', async (status, message, code, reason) => {
		api.override((request) => (request.path === GENERATIONS ? errorReply(status, message, code) : undefined));
		const item = await errorItemOf(generate({ maxRetries: 0, rateLimitWait: 0 }));
		expect(item).toMatchObject({ billed: 'no', retrySafe: true, reason, httpCode: String(status) });
	});

	it('a safety refusal says so, not "check the options this model supports"', async () => {
		api.override(() => errorReply(400, 'Your request was rejected by the safety system', 'moderation_blocked'));
		const item = await errorItemOf(generate());
		expect(item.description).toMatch(/^The prompt or an input image was refused by the safety system .*rephrase the prompt/);
	});

	it('a generation that outruns Timeout: billed unknown, not safe to run again, named a timeout', async () => {
		api.override((request) => (request.path === GENERATIONS ? { delayMs: 3000, json: {} } : undefined));
		const item = await errorItemOf(generate({ timeout: 1 }));
		expect(item.error).toBe('CometAPI did not answer within 1 s (the Timeout option)');
		expect(item).toMatchObject({ billed: 'unknown', retrySafe: false, reason: 'timeout' });
		expect(item.description).toContain('Billed: unknown');
	});

	it('a Midjourney task that failed after it was accepted: billed yes, not safe to run again, with its task ID', async () => {
		mj.plan(() => ({ outcome: 'FAILURE', failReason: 'Banned prompt detected: gore' }));
		const { output } = await mj.run({ operation: 'imagine', prompt: 'a lighthouse' }, { continueOnFail: true });
		expect(output[0].json).toMatchObject({ billed: 'yes', retrySafe: false, reason: 'moderation', taskId: mj.lastTask().id });
	});

	it('Get Task of that failed task: billed no (reading is free), safe to run again', async () => {
		mj.plan(() => ({ outcome: 'FAILURE', failReason: 'Invalid parameter' }));
		await mj.run({ operation: 'imagine', prompt: 'a lighthouse' }, { continueOnFail: true });
		const { output } = await mj.run({ operation: 'getTask', taskId: mj.lastTask().id }, { continueOnFail: true });
		expect(output[0].json).toMatchObject({ billed: 'no', retrySafe: true, reason: 'task_failed' });
	});

	it('a submission refused inside an HTTP 200: billed no', async () => {
		mj.plan(() => ({ code: 24, description: 'Prompt contains banned words: gore' }));
		const { output } = await mj.run({ operation: 'imagine', prompt: 'gore' }, { continueOnFail: true });
		expect(output[0].json).toMatchObject({ billed: 'no', retrySafe: true });
	});
});

describe('a failed run hands back the paid work it did not output', () => {
	it('Imagine on 6 items, one task fails: the error lists the 5 other tasks by ID, none submitted again', async () => {
		mj.plan((_route, body) => (String(body.prompt) === 'lighthouse 2' ? { outcome: 'FAILURE', durationMs: 50, failReason: 'Banned prompt detected' } : { never: true }));
		const { error, output } = await mj.run({ operation: 'imagine', prompt: '={{ $json.prompt }}' }, { input: prompts(6) });
		expect(output).toEqual([]);
		expect(error!.message).toContain('Banned prompt detected');
		const others = [...mj.tasks.values()].filter((task) => task.prompt !== 'lighthouse 2');
		expect(others).toHaveLength(5);
		const handedBack = error!.context!.unfinishedTasks as Array<Record<string, unknown>>;
		expect(handedBack.map((task) => task.taskId).sort()).toEqual(others.map((task) => task.id).sort());
		for (const task of handedBack) expect(task).toMatchObject({ family: 'Midjourney', status: expect.any(String) });
		for (const task of others) expect(error!.description).toContain(task.id);
		expect(error!.description).toContain('fetch them with the Get Task operation');
		expect(mj.submissions('imagine')).toHaveLength(6);
		expect(error!.context).toMatchObject({ billed: 'yes', retrySafe: false });
	});

	it('Generate Image on 3 items, the first refused: the 2 requests stopped in flight are counted', async () => {
		api.override((request) =>
			request.path !== GENERATIONS ? undefined : request.json?.prompt === 'lighthouse 0' ? errorReply(400, 'Invalid size', 'invalid_value') : { delayMs: 2000, json: {} },
		);
		const { error } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.prompt }}', options: {} },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: prompts(3),
		});
		expect(error!.message).toMatch(/^Invalid size/);
		expect(error!.context).toMatchObject({ requestsInFlight: 2, billed: 'no' });
		expect(error!.description).toContain('2 requests were in flight and may have been billed; with On Error → Continue their results are kept.');
	});

	it('with Continue On Fail nothing is handed back: every item gets its result or its error item', async () => {
		mj.plan((_route, body) => (String(body.prompt) === 'lighthouse 1' ? { outcome: 'FAILURE', failReason: 'Banned prompt detected' } : undefined));
		const { error, output } = await mj.run({ operation: 'imagine', prompt: '={{ $json.prompt }}' }, { input: prompts(3), continueOnFail: true });
		expect(error).toBeUndefined();
		expect(output.map((item) => (item.json.error ? 'error' : 'image'))).toEqual(['image', 'error', 'image']);
	});
});
