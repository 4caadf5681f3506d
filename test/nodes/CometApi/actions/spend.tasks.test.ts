import { forgetPriceLists } from '../../../../nodes/CometApi/transport';
import '../../../helpers/fake-flux';
import { prices } from '../../../helpers/fake-prices';
import { useFakeTaskApis } from '../../../helpers/fake-tasks';
import { model } from '../../../helpers/harness';

/* Cost and Max Spend per Run on task submissions: Flux's flux-pro-1.1 at $0.04 per request (fake-prices.ts). */

const fake = useFakeTaskApis();

beforeEach(() => {
	prices.reset();
	forgetPriceLists();
});

const submit = (items: number, options: Record<string, unknown>) =>
	fake.run('flux', 'generateImage', { prompt: 'a lighthouse', modelId: model('flux-pro-1.1'), options }, {
		input: Array.from({ length: items }, (_, index) => ({ json: { index } })),
		continueOnFail: true,
	});

describe('cost and the cap on task submissions', () => {
	it('a task’s output carries the per-request price', async () => {
		const { output, error } = await submit(1, {});
		expect(error).toBeUndefined();
		expect(output[0].json.cost).toEqual({ usd: 0.04, basis: 'per_request', model: 'flux-pro-1.1' });
	});

	it('submissions waiting for their tasks count against the cap: 5 items under $0.10 submit 2', async () => {
		const { output } = await submit(5, { maxSpendUsd: 0.1, maxConcurrency: 32 });
		expect(fake.sent('/flux/v1/flux-pro-1.1')).toHaveLength(2);
		expect(output.filter((item) => item.json.cost !== undefined && item.json.error === undefined)).toHaveLength(2);
		const capped = output.filter((item) => item.json.reason === 'spend_cap');
		expect(capped).toHaveLength(3);
		for (const item of capped) expect(item.json).toMatchObject({ billed: 'no', retrySafe: true });
	});

	it('Get Task reads at no charge: cost 0, basis free', async () => {
		const first = await submit(1, { maxWait: 0 });
		const taskId = first.output[0].json.taskId;
		const { output } = await fake.run('flux', 'getTask', { taskId });
		expect(output[0].json.cost).toEqual({ usd: 0, basis: 'free' });
	});
});
