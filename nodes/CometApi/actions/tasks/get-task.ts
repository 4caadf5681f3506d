import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { itemError } from '../../helpers/item-error';
import { maxSpendOption, optionsCollection, taskIdProperty } from '../common.description';
import type { TaskRun } from './engine';
import { outputTaskById, type TaskFamily } from './operation';
import { maxWaitOption, taskOptions } from './options';

/*
 * Get Task, the same in every task family: reads a task by its ID (nothing is submitted, nothing is
 * billed), waits until it ends or Max Wait has passed, and outputs it as it stands, with its images
 * when it has ended. Max Wait 0 reads it once.
 */

/**
 * Midjourney's Get Task had a boolean Wait Until It Ends (`waitToEnd`) where Max Wait 0 now says the
 * same. A workflow saved with it off keeps it: the parameter shows only while it is off (turned on,
 * it goes away and Max Wait alone decides), and off reads the task once, whatever Max Wait says.
 */
const savedWaitToEndProperty: INodeProperties = {
	displayName: 'Wait Until It Ends',
	name: 'waitToEnd',
	type: 'boolean',
	default: true,
	displayOptions: { show: { waitToEnd: [false] } },
	description:
		'Whether to wait for the task to end (an earlier setting of this node). Off: read the task once, as Max Wait 0 does. Turn it on to wait as Max Wait says: this setting then goes away.',
};

/** Whether a saved Wait Until It Ends (savedWaitToEndProperty) asks to read the task once. */
function readsOnce(context: IExecuteFunctions, itemIndex: number): boolean {
	return context.getNodeParameter('waitToEnd', itemIndex, true) === false;
}

/**
 * The panel and execute of a family's Get Task operation (resource `resource`, operation `getTask`).
 * `savedWaitToEnd`: the family's Get Task once had Wait Until It Ends, which saved workflows may hold.
 */
export function getTaskOperation(resource: string, family: TaskFamily, panel: { taskIdHint: string; savedWaitToEnd?: boolean }) {
	const properties: INodeProperties[] = [
		taskIdProperty(`The ID of a ${family.provider} task, as an earlier run output it (taskId, also in its error items)`, panel.taskIdHint),
		...(panel.savedWaitToEnd ? [savedWaitToEndProperty] : []),
		optionsCollection(
			// reading a task costs nothing: no Max Spend per Run
			taskOptions.filter((option) => option !== maxSpendOption).map((option) =>
				option === maxWaitOption
					? { ...option, description: `${option.description} 0: read the task once and output its state, with its images when it has ended.` }
					: option,
			),
		),
	];

	async function execute(this: IExecuteFunctions, itemIndex: number, run: TaskRun): Promise<INodeExecutionData[]> {
		const taskId = String(this.getNodeParameter('taskId', itemIndex, '') ?? '').trim();
		if (!taskId) {
			throw itemError(this.getNode(), itemIndex, 'the Task ID is empty', `Enter the ID of a ${family.provider} task, e.g. {{ $json.taskId }}.`);
		}
		return await outputTaskById.call(this, family, taskId, itemIndex, run, readsOnce(this, itemIndex));
	}

	return {
		description: updateDisplayOptions({ show: { resource: [resource], operation: ['getTask'] } }, properties),
		execute,
	};
}
