import { NodeHelpers, type INodeParameters, type INodeProperties } from 'n8n-workflow';

import { CometApi } from '../../../../../nodes/CometApi/CometApi.node';
import { useFakeMidjourney } from '../../../../helpers/fake-midjourney';

/*
 * Get Task (actions/tasks/get-task.ts), the same in every family: Max Wait 0 reads the task once.
 * Midjourney's Get Task had a boolean Wait Until It Ends (waitToEnd) for that: a workflow saved with
 * it off still reads the task once, whatever Max Wait says; one saved with it on waits as before.
 */

const mj = useFakeMidjourney();
const fetches = () => mj.sequence().filter((line) => line.endsWith('/fetch') || line.endsWith('/list-by-condition')).length;
const node = new CometApi().description;
const properties = node.properties;
/** Get Task's panel in version 1 of the node (all options in Options), or in version 2 (Request Options apart). */
const getTaskProperties = (resource: string, version = 1) =>
	properties.filter((property) => {
		const show = property.displayOptions?.show;
		const gate = show?.['@version'] as unknown[] | undefined;
		const shown = !gate || (version === 1 ? gate.includes(1) : !gate.includes(1));
		return shown && show?.resource?.includes(resource) && show.operation?.includes('getTask');
	});

/** The parameters n8n keeps of a saved node (as it does when it loads a workflow). */
const saved = (parameters: INodeParameters) => NodeHelpers.getNodeParameters(properties, parameters, false, false, { typeVersion: 1 }, node) ?? {};

/** A Midjourney task still running, and the requests before Get Task forgotten. */
async function runningTask(): Promise<string> {
	mj.plan(() => ({ durationMs: 60_000 }));
	const submitted = await mj.run({ operation: 'imagine', prompt: 'a lighthouse', options: { maxWait: 0 } });
	expect(submitted.error).toBeUndefined();
	return mj.lastTask().id;
}

describe('Midjourney Get Task, as workflows saved it', () => {
	it('saved with Wait Until It Ends off: reads the task once and outputs it as it stands, Max Wait notwithstanding', async () => {
		const taskId = await runningTask();
		const before = fetches();
		// (waiting, it would look again and again until the test's time ran out: the task takes 60 s)
		const { error, output } = await mj.run({ operation: 'getTask', taskId, waitToEnd: false, options: { maxWait: 10 } });
		expect(error).toBeUndefined();
		expect(fetches() - before).toBe(1);
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ taskId, imageCount: 0 });
		expect(output[0].json.status).not.toBe('SUCCESS');
		expect(output[0].binary).toBeUndefined();
	});

	it('with Max Wait 0: the same single read', async () => {
		const taskId = await runningTask();
		const before = fetches();
		const { error, output } = await mj.run({ operation: 'getTask', taskId, options: { maxWait: 0 } });
		expect(error).toBeUndefined();
		expect(fetches() - before).toBe(1);
		expect(output[0].json).toMatchObject({ taskId, imageCount: 0 });
		expect(output[0].binary).toBeUndefined();
	});

	it('saved with Wait Until It Ends on: waits for the task to end, as before', async () => {
		mj.plan(() => ({ durationMs: 300 }));
		await mj.run({ operation: 'imagine', prompt: 'a lighthouse', options: { maxWait: 0 } });
		const taskId = mj.lastTask().id;
		const { error, output } = await mj.run({ operation: 'getTask', taskId, waitToEnd: true, options: { pollInterval: 0.05 } });
		expect(error).toBeUndefined();
		expect(output[0].json).toMatchObject({ taskId, status: 'SUCCESS' });
		expect(output[0].binary?.data).toBeDefined();
	});

	it('n8n keeps a saved Wait Until It Ends that is off (it shows then), and drops one that is on (Max Wait alone decides)', () => {
		const base = { resource: 'midjourney', operation: 'getTask', taskId: '1' };
		expect(saved({ ...base, waitToEnd: false }).waitToEnd).toBe(false);
		expect(saved({ ...base, waitToEnd: true }).waitToEnd).toBeUndefined();
		expect(saved(base).waitToEnd).toBeUndefined();
	});
});

describe('Get Task is one panel in every family', () => {
	const families = ['midjourney', 'flux', 'replicate', 'kling', 'bria'];
	const shape = (property: INodeProperties) => ({ name: property.name, type: property.type, required: property.required, placeholder: property.placeholder });

	it.each(families)('%s: a Task ID and the same Options, Max Wait 0 reading the task once', (resource) => {
		const panel = getTaskProperties(resource).filter((property) => property.name !== 'waitToEnd');
		expect(panel.map((property) => property.name)).toEqual(['taskId', 'options']);
		expect(shape(panel[0])).toEqual({ name: 'taskId', type: 'string', required: true, placeholder: 'e.g. {{ $json.taskId }}' });
		const maxWait = (panel[1].options as INodeProperties[]).find((option) => option.name === 'maxWait');
		expect(maxWait?.description).toContain('0: read the task once');
		expect(panel[1].options).toEqual(getTaskProperties('flux').find((property) => property.name === 'options')?.options);
	});

	it.each(families)('%s, version 2: the Task ID and Request Options holding the same options (nothing left for Options)', (resource) => {
		const panel = getTaskProperties(resource, 2).filter((property) => property.name !== 'waitToEnd');
		expect(panel.map((property) => property.name)).toEqual(['taskId', 'requestOptions']);
		expect(panel[1].options).toEqual(getTaskProperties(resource).find((property) => property.name === 'options')?.options);
	});

	it('only Midjourney, whose Get Task had it, keeps Wait Until It Ends, shown only while it is off', () => {
		for (const resource of families) {
			const waitToEnd = getTaskProperties(resource).find((property) => property.name === 'waitToEnd');
			if (resource !== 'midjourney') expect(waitToEnd).toBeUndefined();
			else expect(waitToEnd).toMatchObject({ type: 'boolean', default: true, displayOptions: { show: { waitToEnd: [false] } } });
		}
	});
});
