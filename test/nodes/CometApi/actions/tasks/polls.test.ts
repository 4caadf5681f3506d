import { PollPacer, POLLS_PER_SECOND } from '../../../../../nodes/CometApi/actions/tasks/polls';
import { flux } from '../../../../helpers/fake-flux';
import { useFakeTaskApis } from '../../../../helpers/fake-tasks';
import { model } from '../../../../helpers/harness';
import { busiestSecond, recordSends } from '../../../../helpers/http-sends';

/*
 * A run's polls of one family take turns (actions/tasks/polls.ts): at most POLLS_PER_SECOND requests
 * a second however many tasks wait, while submissions never wait for a turn.
 */

const fake = useFakeTaskApis();
const POLL = '/flux/v1/get_result';
const SUBMIT = '/flux/v1/flux-pro-1.1';

describe('a bounded poll rate per family', () => {
	it(`30 Flux tasks polled every 20 ms make at most ${POLLS_PER_SECOND} polls a second; all end, and the submissions are not held back`, async () => {
		const count = 30;
		flux.plan(...Array.from({ length: count }, () => ({ statuses: ['Pending', 'Pending', 'Ready'] })));
		const input = Array.from({ length: count }, (_, index) => ({ json: { prompt: `lighthouse ${index}` } }));
		const sent = recordSends((path) => path === POLL);
		const { error, output } = await fake
			.run('flux', 'generateImage', { prompt: '={{ $json.prompt }}', modelId: model('flux-pro-1.1'), options: { pollInterval: 0.02, maxWait: 1 } }, { input })
			.finally(sent.stop);
		expect(error).toBeUndefined();
		expect(output).toHaveLength(count);
		const polls = fake.api.requests.filter((request) => request.path === POLL);
		const submissions = fake.api.requests.filter((request) => request.path === SUBMIT).map((request) => request.receivedAt);
		expect(polls.length).toBeGreaterThanOrEqual(3 * count);
		// counted when the node sends them (recordSends), not when the fake gets round to reading them
		expect(sent.times).toHaveLength(polls.length);
		expect(busiestSecond(sent.times)).toBeLessThanOrEqual(POLLS_PER_SECOND + 1);
		// all 30 submissions went out within the first poll turns, not spread over the polls' pace
		expect(Math.max(...submissions) - Math.min(...submissions)).toBeLessThan(1000);
	}, 60_000);

	it('the pacer gives turns 1 / perSecond apart, in the order asked, and no turn once cancelled', async () => {
		const pacer = new PollPacer(20);
		const start = Date.now();
		const turns: number[] = [];
		await Promise.all([0, 1, 2, 3].map(async () => (await pacer.turn()) && turns.push(Date.now() - start)));
		expect(turns[0]).toBeLessThan(20);
		expect(turns[3]).toBeGreaterThanOrEqual(140);
		const cancel = new AbortController();
		const late = pacer.turn(cancel.signal);
		cancel.abort();
		expect(await late).toBe(false);
	});
});
