import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { oneBinaryFieldHint } from '../binary-fields.description';
import type { RunContext } from '../run-context';
import { binaryFieldProperty, botTypeProperty, describeOptions } from './midjourney.description';
import { imageDataUri, readBotType, readRequired, readSubmitOptions, submitAndOutput } from './midjourney-run';

const IMAGE_LABEL = 'Image Field';

const properties: INodeProperties[] = [
	{
		...binaryFieldProperty(
			IMAGE_LABEL,
			'imageField',
			'data',
			'The binary field of the input item with the image to describe',
			oneBinaryFieldHint('the image to describe, PNG, JPEG, WEBP or GIF, up to 50 MB'),
		),
		required: true,
	},
	botTypeProperty,
	describeOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['midjourney'], operation: ['describe'] } }, properties);

export const waitsForTasks = true;

/** Describe: POST /mj/submit/describe; the suggested prompts (promptEn) as JSON, also split into `prompts`. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const field = readRequired.call(this, itemIndex, 'imageField', IMAGE_LABEL, 'Enter the binary field holding the image, e.g. data.');
	const botType = readBotType.call(this, itemIndex);
	const extra = readSubmitOptions.call(this, itemIndex);
	const base64 = await imageDataUri.call(this, itemIndex, field, IMAGE_LABEL);
	return await submitAndOutput.call(this, itemIndex, run, 'describe', { base64, botType }, extra);
}
