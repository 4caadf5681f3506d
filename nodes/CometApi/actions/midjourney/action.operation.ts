import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { taskIdProperty } from '../common.description';
import type { RunContext } from '../run-context';
import { findButton } from './midjourney-api';
import { submitOptions } from './midjourney.description';
import { fetchTask, readRequired, readSubmitOptions, submitAndOutput } from './midjourney-run';

const properties: INodeProperties[] = [
	taskIdProperty('The ID of the finished task whose button to press, e.g. {{ $json.taskId }} from an Imagine node'),
	{
		displayName: 'Button',
		name: 'button',
		type: 'string',
		default: 'U1',
		required: true,
		placeholder: 'e.g. U1',
		description:
			'The button to press: its label as the task shows it (U1–U4 upscale, V1–V4 variation, 🔄 reroll, Vary (Region), Zoom Out 2x…) or a customId (MJ::…) from the task’s buttons. Labels are looked up in the task’s current buttons.',
	},
	submitOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['midjourney'], operation: ['action'] } }, properties);

export const waitsForTasks = true;

/**
 * Action: reads the task to find the button's current customId, then POST /mj/submit/action and
 * waits for the new task. A button that opens a form (Vary Region, Custom Zoom) ends in MODAL:
 * the item is output with status MODAL, for the Vary Region / Modal operation to continue.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const taskId = readRequired.call(this, itemIndex, 'taskId', 'the Task ID', 'Enter the ID of a finished task, e.g. {{ $json.taskId }}.');
	const button = readRequired.call(this, itemIndex, 'button', 'the Button', 'Enter a button label such as U1, or a customId.');
	const extra = readSubmitOptions.call(this, itemIndex);
	const customId = /^MJ::/i.test(button) ? button : findButton(this, itemIndex, await fetchTask.call(this, itemIndex, run, taskId), button);
	return await submitAndOutput.call(this, itemIndex, run, 'action', { taskId, customId }, extra);
}
