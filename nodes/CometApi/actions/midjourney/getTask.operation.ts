import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { RunContext } from '../run-context';
import { fetchOptions, taskIdProperty } from './midjourney.description';
import { fetchAndOutput, readRequired } from './midjourney-run';

const properties: INodeProperties[] = [
	taskIdProperty('The ID of any Midjourney task, e.g. from an error item’s taskId or an earlier run'),
	{
		displayName: 'Wait Until It Ends',
		name: 'waitToEnd',
		type: 'boolean',
		default: true,
		description:
			'Whether to keep looking until the task ends (SUCCESS, FAILURE, MODAL) or Max Wait has passed. Off: read its status once and output it as it is, images included when it has finished.',
	},
	fetchOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['midjourney'], operation: ['getTask'] } }, properties);

export const waitsForTasks = true;

/**
 * Get Task: GET /mj/task/{id}/fetch, its status, and its images when finished. This is how a task
 * that ran past Max Wait, or whose download failed, is picked up again: reading costs nothing.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const taskId = readRequired.call(this, itemIndex, 'taskId', 'the Task ID', 'Enter a task ID, e.g. {{ $json.taskId }}.');
	const waitToEnd = this.getNodeParameter('waitToEnd', itemIndex, true) !== false;
	return await fetchAndOutput.call(this, itemIndex, run, taskId, waitToEnd);
}
