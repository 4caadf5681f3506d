import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { itemError } from '../../helpers/item-error';
import type { Base64Value } from '../../transport';
import { binaryFieldsHint } from '../binary-fields.description';
import { parsePropertyNames } from '../parameters';
import type { RunContext } from '../run-context';
import { binaryFieldProperty, botTypeProperty, submitOptions } from './midjourney.description';
import { imageDataUri, readBotType, readSubmitOptions, submitAndOutput } from './midjourney-run';

const IMAGES_LABEL = 'Image Fields';
export const DIMENSIONS = ['PORTRAIT', 'SQUARE', 'LANDSCAPE'];

const properties: INodeProperties[] = [
	{
		...binaryFieldProperty(
			IMAGES_LABEL,
			'blendImages',
			'data, data_1',
			'Binary fields of the input item with the 2 to 5 images to blend, comma-separated (sent as base64Array data URIs, in this order)',
			binaryFieldsHint('2 to 5 images, PNG, JPEG, WEBP or GIF, each up to 50 MB'),
		),
		required: true,
	},
	{
		displayName: 'Dimensions',
		name: 'dimensions',
		type: 'options',
		default: 'SQUARE',
		options: [
			{ name: 'Portrait (2:3)', value: 'PORTRAIT' },
			{ name: 'Square (1:1)', value: 'SQUARE' },
			{ name: 'Landscape (3:2)', value: 'LANDSCAPE' },
		],
		description: 'The shape of the blended image',
	},
	botTypeProperty,
	submitOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['midjourney'], operation: ['blend'] } }, properties);

export const waitsForTasks = true;

/** Blend: POST /mj/submit/blend with 2–5 images, then the blended image of the finished task. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const fields = parsePropertyNames(this.getNodeParameter('blendImages', itemIndex, ''));
	if (fields.length < 2 || fields.length > 5) {
		throw itemError(this.getNode(), itemIndex, `${IMAGES_LABEL} lists ${fields.length} image${fields.length === 1 ? '' : 's'}: Blend takes 2 to 5`, 'List 2 to 5 binary fields, e.g. data, data_1.');
	}
	const dimensions = String(this.getNodeParameter('dimensions', itemIndex, 'SQUARE'));
	if (!DIMENSIONS.includes(dimensions)) {
		throw itemError(this.getNode(), itemIndex, `the Dimensions "${dimensions}" are not one Blend takes`, `Use one of ${DIMENSIONS.join(', ')}.`);
	}
	const botType = readBotType.call(this, itemIndex);
	const extra = readSubmitOptions.call(this, itemIndex);
	const base64Array: Base64Value[] = [];
	for (const field of fields) base64Array.push(await imageDataUri.call(this, itemIndex, field, IMAGES_LABEL));
	return await submitAndOutput.call(this, itemIndex, run, 'blend', { base64Array, dimensions, botType }, extra);
}
