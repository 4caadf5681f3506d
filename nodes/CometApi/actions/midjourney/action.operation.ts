import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { taskIdProperty } from '../common.description';
import type { RunContext } from '../run-context';
import { findButton } from './midjourney-api';
import { submitOptions } from './midjourney.description';
import { fetchTask, readRequired, readSubmitOptions, submitAndOutput } from './midjourney-run';

/** The Button value that shows the Custom Button field. */
const CUSTOM_BUTTON = '__custom';

const properties: INodeProperties[] = [
	taskIdProperty('The ID of the finished task whose button to press, e.g. {{ $json.taskId }} from an Imagine node'),
	{
		displayName: 'Button',
		name: 'button',
		type: 'options',
		default: 'U1',
		required: true,
		// A workflow saved when Button was free text keeps its label or customId (e.g. 🔄, MJ::…).
		allowArbitraryValues: true,
		options: [
			{ name: 'Custom (Label or customId)', value: CUSTOM_BUTTON, description: 'Type a label or customId the task shows in its buttons' },
			{ name: 'Custom Zoom', value: 'Custom Zoom', description: 'Opens a form: continue with Vary Region / Modal and a --zoom prompt' },
			{ name: 'Pan Down', value: '⬇️' },
			{ name: 'Pan Left', value: '⬅️' },
			{ name: 'Pan Right', value: '➡️' },
			{ name: 'Pan Up', value: '⬆️' },
			{ name: 'Reroll', value: '🔄', description: 'Draw the grid again from the same prompt' },
			{ name: 'U1', value: 'U1', description: 'Upscale image 1 of a grid' },
			{ name: 'U2', value: 'U2', description: 'Upscale image 2 of a grid' },
			{ name: 'U3', value: 'U3', description: 'Upscale image 3 of a grid' },
			{ name: 'U4', value: 'U4', description: 'Upscale image 4 of a grid' },
			{ name: 'Upscale (Creative)', value: 'Upscale (Creative)', description: 'On an upscaled image' },
			{ name: 'Upscale (Subtle)', value: 'Upscale (Subtle)', description: 'On an upscaled image' },
			{ name: 'V1', value: 'V1', description: 'Four variations of image 1 of a grid' },
			{ name: 'V2', value: 'V2', description: 'Four variations of image 2 of a grid' },
			{ name: 'V3', value: 'V3', description: 'Four variations of image 3 of a grid' },
			{ name: 'V4', value: 'V4', description: 'Four variations of image 4 of a grid' },
			{ name: 'Vary (Region)', value: 'Vary (Region)', description: 'Opens a form: continue with Vary Region / Modal and a mask' },
			{ name: 'Vary (Strong)', value: 'Vary (Strong)', description: 'On an upscaled image' },
			{ name: 'Vary (Subtle)', value: 'Vary (Subtle)', description: 'On an upscaled image' },
			{ name: 'Zoom Out 1.5x', value: 'Zoom Out 1.5x', description: 'On an upscaled image' },
			{ name: 'Zoom Out 2x', value: 'Zoom Out 2x', description: 'On an upscaled image' },
		],
		description:
			'The button to press, looked up among the task’s current buttons by label (or emoji). A grid has U1–U4, V1–V4 and Reroll; an upscaled image has Upscale, Vary, Zoom Out and Pan.',
		hint: 'The buttons a task offers are in its output: {{ $json.buttons }} (labels change after each step)',
	},
	{
		displayName: 'Custom Button',
		name: 'customButton',
		type: 'string',
		default: '',
		// checked when the item runs (readRequired): n8n counts a required field under an expression
		// Button as missing, and refuses the whole workflow
		displayOptions: { show: { button: [CUSTOM_BUTTON] } },
		placeholder: 'e.g. Vary (Region) or MJ::JOB::upsample::1::…',
		description: 'A label or emoji of one of the task’s buttons, or a customId (MJ::…) from its output',
		hint: 'One of {{ $json.buttons }}: a label, or its customId',
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
	const chosen = readRequired.call(this, itemIndex, 'button', 'the Button', 'Pick a button such as U1, or Custom and a label or customId.');
	const button =
		chosen === CUSTOM_BUTTON
			? readRequired.call(this, itemIndex, 'customButton', 'the Custom Button', 'Enter a label of one of the task’s buttons ({{ $json.buttons }}), or a customId (MJ::…).')
			: chosen;
	const extra = readSubmitOptions.call(this, itemIndex);
	const customId = /^MJ::/i.test(button) ? button : findButton(this, itemIndex, await fetchTask.call(this, itemIndex, run, taskId), button);
	return await submitAndOutput.call(this, itemIndex, run, 'action', { taskId, customId }, extra);
}
