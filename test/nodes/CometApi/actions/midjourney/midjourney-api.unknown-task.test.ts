import { API_KEY } from '../../../../helpers/fake-cometapi';
import { MJ_UNKNOWN_TASK_VARIANTS, useFakeMidjourney } from '../../../../helpers/fake-midjourney';

/*
 * Get Task of a Midjourney task ID nobody knows, as each real service answers it (FAKES.md):
 * CometAPI's gateway (new-api) with HTTP 400 {"code":4,"description":"task_no_found ",…}, the
 * proxy behind it (midjourney-proxy) with a 200 and an empty body, or a 200 with `null`. Each is
 * "no such task" at once: list-by-condition leaves it out, its own fetch says it does not exist, no
 * waiting, nothing billed, safe to run again.
 */

const mj = useFakeMidjourney();
const ID = '1767225600000123';
// Max Wait 0.03 min (1.8 s): a node that took the answer for a running task would poll until then.
const getTask = (extra = {}) => mj.run({ operation: 'getTask', taskId: ID, options: { maxWait: 0.03 } }, extra);

describe.each(MJ_UNKNOWN_TASK_VARIANTS)('Get Task of an unknown task ID, answered as %s', (variant) => {
	beforeEach(() => {
		mj.unknownTask = variant;
	});

	it('fails after one fetch as "no such task", naming the ID', async () => {
		const { error } = await getTask();
		expect(mj.api.requests.map((request) => request.path)).toEqual(['/mj/task/list-by-condition', `/mj/task/${ID}/fetch`]);
		expect(mj.api.requests[1].status).toBe(variant === 'gateway-400' ? 400 : 200);
		expect(error?.message).toMatch(/no such task/i);
		expect(error?.message).toContain(ID);
		expect(error?.context?.task).toMatchObject({ taskId: ID });
	});

	it('with Continue On Fail, the error item says: not_found, not billed, safe to retry', async () => {
		const { error, output } = await getTask({ continueOnFail: true });
		expect(error).toBeUndefined();
		expect(mj.api.requests).toHaveLength(2);
		expect(output).toHaveLength(1);
		const json = output[0].json;
		expect(String(json.error)).toMatch(/no such task/i);
		expect(String(json.error)).toContain(ID);
		expect(json.taskId).toBe(ID);
		expect(json.reason).toBe('not_found');
		expect(json.billed).toBe('no');
		expect(json.retrySafe).toBe(true);
	});
});

describe('the fake answers an unknown ID as the real services do', () => {
	it.each([
		['gateway-400', 400, '{"code":4,"description":"task_no_found ","type":"upstream_error"}'],
		['proxy-empty', 200, ''],
		['proxy-null', 200, 'null'],
	] as const)('%s: HTTP %i, body %j', async (variant, status, body) => {
		mj.unknownTask = variant;
		const origin = mj.api.baseUrl.replace(/\/v1$/, '');
		const response = await fetch(`${origin}/mj/task/${ID}/fetch`, { headers: { authorization: `Bearer ${API_KEY}` } });
		expect(response.status).toBe(status);
		expect(await response.text()).toBe(body);
	});
});
