import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { itemError } from '../../helpers/item-error';
import type { Base64Value } from '../../transport';
import { binaryFieldsHint } from '../binary-fields.description';
import { promptProperty } from '../common.description';
import { parsePropertyNames, readPrompt } from '../parameters';
import type { RunContext } from '../run-context';
import { binaryFieldProperty, botTypeProperty, submitOptions } from './midjourney.description';
import { imageDataUri, readBotType, readSubmitOptions, submitAndOutput } from './midjourney-run';

/** Reference images Imagine sends at the most (midjourney-proxy's limit for base64Array). */
export const MAX_REFERENCE_IMAGES = 5;
const REFERENCE_LABEL = 'Reference Image Fields';

const properties: INodeProperties[] = [
	promptProperty(
		'What Midjourney should draw, with its parameters as you would type them in Discord (--ar 16:9, --v 7, --stylize 250, --no text…)',
		'e.g. a lighthouse on a cliff at dawn, watercolor --ar 16:9 --v 7',
		'Sent as typed: Midjourney reads the -- parameters itself',
	),
	botTypeProperty,
	binaryFieldProperty(
		REFERENCE_LABEL,
		'referenceImages',
		'',
		`Binary fields of the input item with images to start from, comma-separated, up to ${MAX_REFERENCE_IMAGES} (sent as base64Array). Leave empty to draw from the prompt alone.`,
		binaryFieldsHint(`up to ${MAX_REFERENCE_IMAGES} images to start from, PNG, JPEG, WEBP or GIF, each up to 50 MB; empty: the prompt alone`),
	),
	submitOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['midjourney'], operation: ['imagine'] } }, properties);

/** Waits for its task: every item may wait at once (router.ts). */
export const waitsForTasks = true;

/** Imagine: POST /mj/submit/imagine, then the grid image of the finished task. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const prompt = readPrompt.call(this, itemIndex);
	const botType = readBotType.call(this, itemIndex);
	const extra = readSubmitOptions.call(this, itemIndex);
	const fields = parsePropertyNames(this.getNodeParameter('referenceImages', itemIndex, ''));
	if (fields.length > MAX_REFERENCE_IMAGES) {
		throw itemError(this.getNode(), itemIndex, `${REFERENCE_LABEL} lists ${fields.length} images, more than ${MAX_REFERENCE_IMAGES}`, `List at most ${MAX_REFERENCE_IMAGES} binary fields.`);
	}
	const base64Array: Base64Value[] = [];
	for (const field of fields) base64Array.push(await imageDataUri.call(this, itemIndex, field, REFERENCE_LABEL));
	const body = { prompt, botType, ...(base64Array.length > 0 ? { base64Array } : {}) };
	return await submitAndOutput.call(this, itemIndex, run, 'imagine', body, extra);
}
