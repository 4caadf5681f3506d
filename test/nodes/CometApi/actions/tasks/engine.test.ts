import { jittered } from '../../../../../nodes/CometApi/actions/tasks/engine';
import { errorReply } from '../../../../helpers/fake-cometapi';
import { flux } from '../../../../helpers/fake-flux';
import { useFakeTaskApis } from '../../../../helpers/fake-tasks';
import { model } from '../../../../helpers/harness';

/*
 * The task engine's clock: Max Wait counts from the moment the submission was accepted, a poll
 * cannot hold the item past Max Wait (no retries of its own, 429s waited out only until then), and
 * pauses are spread (±20 %).
 */

const fake = useFakeTaskApis();
const { api } = fake;
const SUBMIT = '/flux/v1/flux-pro-1.1';
const generate = (options: Record<string, unknown>) =>
	fake.run('flux', 'generateImage', { prompt: 'a lighthouse', modelId: model('flux-pro-1.1'), options });

describe('task engine: Max Wait and polls', () => {
	it('Max Wait counts from the accepted submission, not from before its 429 waits', async () => {
		// two 429s of 1 s each before the submission is taken; the task then ends at its second poll
		let refused = 0;
		api.override((request) =>
			request.path === SUBMIT && refused++ < 2 ? { ...errorReply(429, 'Rate limit reached'), headers: { 'retry-after': '1' } } : undefined,
		);
		flux.plan({ statuses: ['Pending', 'Ready'] });
		const { error, output } = await generate({ maxWait: 1.5 / 60, pollInterval: 0.3 });
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect(fake.sent('/flux/v1/get_result')).toHaveLength(2);
	});

	it('a poll answered 429 again and again does not hold the item past Max Wait (Rate Limit Wait is 600 s)', async () => {
		flux.plan({ statuses: ['Pending'] });
		api.override((request) =>
			request.path === '/flux/v1/get_result' ? { ...errorReply(429, 'Rate limit reached'), headers: { 'retry-after': '1' } } : undefined,
		);
		const { error } = await generate({ maxWait: 1 / 60, pollInterval: 0.2 });
		expect(error!.message).toMatch(/the Flux task did not end within 1 s \(Max Wait\)/);
		expect(error!.description).toContain('The last poll failed: Rate limit reached');
		expect(error!.context).toMatchObject({ billed: 'yes', retrySafe: false, reason: 'timeout' });
	}, 20_000);

	it('a poll that fails with a 5xx is one missed look, not several attempts in a row', async () => {
		flux.plan({ statuses: ['Pending', 'Pending', 'Ready'] });
		let failed = 0;
		api.override((request) => (request.path === '/flux/v1/get_result' && failed++ === 0 ? errorReply(502, 'Bad gateway') : undefined));
		const { error, output } = await generate({ pollInterval: 0.05, maxRetries: 2 });
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		// the 502 is followed by a pause and a new look, each look one request
		expect(api.requests.filter((r) => r.path === '/flux/v1/get_result').map((r) => r.status)).toEqual([502, 200, 200, 200]);
	});

	it('pauses move by up to ±20 %', () => {
		expect(jittered(1000, () => 0)).toBe(800);
		expect(jittered(1000, () => 0.5)).toBe(1000);
		expect(jittered(1000, () => 1)).toBe(1200);
	});
});
