import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { maskFieldHint } from '../binary-fields.description';
import { promptProperty, taskIdProperty } from '../common.description';
import { readPrompt } from '../parameters';
import type { RunContext } from '../run-context';
import { binaryFieldProperty, submitOptions } from './midjourney.description';
import { imageDataUri, readRequired, readSubmitOptions, submitAndOutput } from './midjourney-run';

const MASK_LABEL = 'Mask Field';

const properties: INodeProperties[] = [
	taskIdProperty('The ID of the task in status MODAL, as an Action with Vary (Region) or Custom Zoom left it: {{ $json.taskId }}'),
	promptProperty(
		'What to draw in the masked region (Vary Region), or the whole prompt with --zoom for Custom Zoom',
		'e.g. a red sailboat on the water',
		'Custom Zoom: the prompt with e.g. --zoom 2, and no mask',
	),
	binaryFieldProperty(
		MASK_LABEL,
		'maskField',
		'mask',
		'The binary field of the input item with the mask: white is repainted, black is kept (sent as maskBase64). Leave empty for Custom Zoom.',
		maskFieldHint('white', 'a black-and-white PNG the size of the task’s image, up to 50 MB; empty for Custom Zoom'),
	),
	submitOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['midjourney'], operation: ['modal'] } }, properties);

export const waitsForTasks = true;

/** Vary Region / Modal: POST /mj/submit/modal for a task in MODAL, with mask and prompt; then the new image. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const taskId = readRequired.call(this, itemIndex, 'taskId', 'the Task ID', 'Enter the ID of the task in MODAL, e.g. {{ $json.taskId }}.');
	const prompt = readPrompt.call(this, itemIndex);
	const maskField = String(this.getNodeParameter('maskField', itemIndex, '') ?? '').trim();
	const extra = readSubmitOptions.call(this, itemIndex);
	const maskBase64 = maskField ? await imageDataUri.call(this, itemIndex, maskField, MASK_LABEL) : undefined;
	return await submitAndOutput.call(this, itemIndex, run, 'modal', { taskId, prompt, ...(maskBase64 ? { maskBase64 } : {}) }, extra);
}
