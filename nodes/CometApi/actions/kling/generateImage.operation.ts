import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readInputBase64 } from '../../helpers/binary-input';
import { JPEG, PNG } from '../../helpers/image-type';
import { itemError } from '../../helpers/item-error';
import {
	additionalBodyFieldsOption,
	modelProperty,
	optionsCollection,
	promptProperty,
} from '../common.description';
import { optionalAspectRatioProperty } from '../aspect-ratios';
import { oneBinaryFieldHint } from '../binary-fields.description';
import { parseAdditionalFields, readModel, readOptions, readPrompt } from '../parameters';
import type { RunContext } from '../run-context';
import { runTask, taskOptions } from '../tasks';
import { klingApi } from './kling-api';

const REFERENCE_LABEL = 'Reference Image Field';
const MAX_PROMPT = 2500;
const MAX_NEGATIVE_PROMPT = 2500;
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3', '21:9'];
/** Kling's model names (CometAPI's kling/image-generation page); without one Kling picks a legacy model. */
export const DEFAULT_KLING_MODEL = 'kling-v3';
const RESOLUTIONS = ['1k', '2k'];
/** The reference image's shape Kling takes: from 1:2.5 to 2.5:1. */
const MAX_REFERENCE_RATIO = 2.5;

const properties: INodeProperties[] = [
	promptProperty(
		`What to draw, up to ${MAX_PROMPT} characters`,
		'e.g. A paper lantern festival over a river at dusk',
		'With a reference image, describe what to make of it',
	),
	modelProperty(DEFAULT_KLING_MODEL, 'searchKlingModels'),
	{
		// The free-text model name of workflows saved before the Model list: shown (and used) only while it holds a name.
		displayName: 'Model Name (Old Field)',
		name: 'modelName',
		type: 'string',
		default: '',
		placeholder: 'e.g. kling-v2',
		description: 'The model name this workflow was saved with; it wins over Model while it is set. Clear it to use Model.',
		displayOptions: { hide: { modelName: [''] } },
	},
	{
		displayName: REFERENCE_LABEL,
		name: 'referenceImage',
		type: 'string',
		default: '',
		placeholder: 'e.g. data',
		description: 'Binary field of the input item with a reference image (JPEG or PNG, up to 10 MB, at least 300×300). Leave empty to draw from the prompt alone.',
		hint: oneBinaryFieldHint('a reference image, JPEG or PNG, up to 10 MB, at least 300×300; empty: the prompt alone'),
	},
	optionalAspectRatioProperty(ASPECT_RATIOS),
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		default: '',
		options: [
			{ name: '1K', value: '1k', description: 'Kling’s default' },
			{ name: '2K', value: '2k' },
			{ name: 'Model Default (Not Sent)', value: '' },
		],
		description: 'Resolution of the images (resolution)',
	},
	optionsCollection([
		...taskOptions,
		additionalBodyFieldsOption,
		{
			displayName: 'Image Fidelity',
			name: 'imageFidelity',
			type: 'number',
			default: 0.5,
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			description: 'How closely the images follow the reference image, 0 to 1 (image_fidelity)',
		},
		{
			displayName: 'Negative Prompt',
			name: 'negativePrompt',
			type: 'string',
			default: '',
			description: `What the images should not show, up to ${MAX_NEGATIVE_PROMPT} characters (negative_prompt). Kling refuses it with a reference image.`,
		},
		{
			displayName: 'Number of Images',
			name: 'n',
			type: 'number',
			default: 1,
			typeOptions: { minValue: 1, maxValue: 9 },
			description: 'How many images the task makes, 1 to 9 (n)',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['kling'], operation: ['generateImage'] } }, properties);

export const waitsForTasks = true;

function readBody(this: IExecuteFunctions, itemIndex: number, options: IDataObject): IDataObject {
	const node = this.getNode();
	const prompt = readPrompt.call(this, itemIndex);
	if (prompt.length > MAX_PROMPT) throw itemError(node, itemIndex, `the Prompt has ${prompt.length} characters, more than the ${MAX_PROMPT} Kling takes`, 'Shorten it.');
	const negative = typeof options.negativePrompt === 'string' ? options.negativePrompt : '';
	if (negative.length > MAX_NEGATIVE_PROMPT) {
		throw itemError(node, itemIndex, `the Negative Prompt has ${negative.length} characters, more than the ${MAX_NEGATIVE_PROMPT} Kling takes`, 'Shorten it.');
	}
	const n = options.n;
	if (n !== undefined && (!Number.isInteger(n) || Number(n) < 1 || Number(n) > 9)) {
		throw itemError(node, itemIndex, `the Number of Images ${String(n)} is not a whole number from 1 to 9`, 'Kling makes 1 to 9 images per task.');
	}
	const aspectRatio = String(this.getNodeParameter('aspectRatio', itemIndex, '') ?? '').trim();
	if (aspectRatio && !ASPECT_RATIOS.includes(aspectRatio)) {
		throw itemError(node, itemIndex, `the Aspect Ratio "${aspectRatio}" is not one Kling takes`, `Use one of ${ASPECT_RATIOS.join(', ')}.`);
	}
	const resolution = String(this.getNodeParameter('resolution', itemIndex, '') ?? '').trim();
	if (resolution && !RESOLUTIONS.includes(resolution)) {
		throw itemError(node, itemIndex, `the Resolution "${resolution}" is not one Kling takes`, `Use one of ${RESOLUTIONS.join(', ')}.`);
	}
	// A workflow saved with the old free-text Model Name keeps it; otherwise the Model list (kling-v3 by default).
	const oldName = String(this.getNodeParameter('modelName', itemIndex, '') ?? '').trim();
	const modelName = oldName || readModel.call(this, itemIndex);
	return {
		model_name: modelName,
		prompt,
		...(negative.trim() ? { negative_prompt: negative } : {}),
		...(n !== undefined ? { n } : {}),
		...(aspectRatio ? { aspect_ratio: aspectRatio } : {}),
		...(resolution ? { resolution } : {}),
		...(options.imageFidelity !== undefined ? { image_fidelity: options.imageFidelity } : {}),
	};
}

/** Generate Image (Kling): POST {host}/kling/v1/images/generations, then the task until succeed; every image downloaded. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const options = readOptions.call(this, itemIndex);
	const body = readBody.call(this, itemIndex, options);
	const additional = parseAdditionalFields(this.getNode(), options.additionalBodyFields, itemIndex);
	const field = String(this.getNodeParameter('referenceImage', itemIndex, '') ?? '').trim();
	// Kling takes the image as bare base64, without a data: prefix.
	if (field && body.negative_prompt !== undefined) {
		throw itemError(this.getNode(), itemIndex, 'Kling does not take a Negative Prompt together with a reference image', 'Clear the Negative Prompt option, or the Reference Image Field.');
	}
	const reference = field
		? await readInputBase64.call(this, itemIndex, field, REFERENCE_LABEL, { maxBytes: MAX_IMAGE_BYTES, api: 'Kling', accepted: { types: [JPEG, PNG], operation: 'Kling' } })
		: undefined;
	const size = reference?.size;
	if (size && size.width > 0 && size.height > 0 && Math.max(size.width / size.height, size.height / size.width) > MAX_REFERENCE_RATIO) {
		throw itemError(
			this.getNode(),
			itemIndex,
			`the image in "${field}" (${REFERENCE_LABEL}) is ${size.width}×${size.height}, a shape Kling does not take: from 1:2.5 to 2.5:1`,
			'Crop the image first (e.g. with the Edit Image node).',
		);
	}
	return await runTask.call(this, klingApi, itemIndex, run, {
		request: {
			method: 'POST',
			root: 'host',
			endpoint: '/kling/v1/images/generations',
			body: { ...body, ...(reference ? { image: reference.base64 } : {}), ...additional },
		},
		options,
		json: {
			model: body.model_name,
			prompt: body.prompt,
			...(reference ? { referenceImage: field } : {}),
		},
	});
}
