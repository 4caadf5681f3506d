import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readInputBase64 } from '../../helpers/binary-input';
import { itemError } from '../../helpers/item-error';
import {
	additionalBodyFieldsOption,
	optionsCollection,
	promptProperty,
} from '../common.description';
import { maskFieldHint, oneBinaryFieldHint } from '../binary-fields.description';
import { parseAdditionalFields, readOptions, readPrompt } from '../parameters';
import type { RunContext } from '../run-context';
import { runTask, taskOptions } from '../tasks';
import { briaApi } from './bria-api';

const IMAGE_LABEL = 'Image Field';
const MASK_LABEL = 'Mask Field';
const MAX_IMAGE_BYTES = 12 * 1024 * 1024;
export const MASKED_ACTIONS = ['erase', 'gen_fill', 'expand'];
export const PROMPTED_ACTIONS = ['gen_fill', 'replace_background'];
const ACTION_NAMES: Record<string, string> = {
	enhance: 'Enhance',
	erase: 'Erase',
	expand: 'Expand',
	gen_fill: 'Generative Fill',
	increase_resolution: 'Increase Resolution',
	replace_background: 'Replace Background',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Action',
		name: 'editAction',
		type: 'options',
		default: 'replace_background',
		options: [
			{ name: 'Enhance', value: 'enhance', description: 'Sharper details and better light' },
			{ name: 'Erase', value: 'erase', description: 'Remove what the mask covers (mask required)' },
			{ name: 'Expand', value: 'expand', description: 'Extend the image beyond its borders (mask required)' },
			{ name: 'Generative Fill', value: 'gen_fill', description: 'Draw what the prompt says where the mask is (mask and prompt required)' },
			{ name: 'Increase Resolution', value: 'increase_resolution', description: 'Upscale the image' },
			{ name: 'Replace Background', value: 'replace_background', description: 'Keep the subject, draw a new background from the prompt (prompt required)' },
		],
		description: 'What Bria does to the image (POST /bria/image/edit/{action})',
	},
	{
		displayName: IMAGE_LABEL,
		name: 'imageField',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Binary field of the input item with the image to edit (JPEG, PNG or WEBP, up to 12 MB)',
		hint: oneBinaryFieldHint('the image to edit, JPEG, PNG or WEBP, up to 12 MB'),
	},
	{
		displayName: MASK_LABEL,
		name: 'maskField',
		type: 'string',
		default: 'mask',
		required: true,
		displayOptions: { show: { editAction: MASKED_ACTIONS } },
		description: 'Binary field with the mask: white where Bria edits, black where it keeps the image (up to 12 MB)',
		hint: maskFieldHint('white', 'a black-and-white PNG or JPEG the size of the input image, up to 12 MB'),
	},
	{
		...promptProperty(
			'What to draw: the new background, or what fills the masked area',
			'e.g. On a white marble counter in a bright kitchen, soft daylight',
			'Describe the scene around the subject; the subject itself is kept',
		),
		displayOptions: { show: { editAction: PROMPTED_ACTIONS } },
	},
	optionsCollection([
		...taskOptions,
		additionalBodyFieldsOption,
		{
			displayName: 'Number of Results',
			name: 'numResults',
			type: 'number',
			default: 1,
			typeOptions: { minValue: 1 },
			description: 'How many edited images Bria makes (num_results)',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['bria'], operation: ['editImage'] } }, properties);

export const waitsForTasks = true;

/** The action, its prompt and the number of results, checked before any image is read. */
function readAction(this: IExecuteFunctions, itemIndex: number, options: IDataObject) {
	const node = this.getNode();
	const action = String(this.getNodeParameter('editAction', itemIndex, '') ?? '');
	if (!ACTION_NAMES[action]) {
		throw itemError(node, itemIndex, `the Action "${action}" is not one Bria takes`, `Use one of ${Object.keys(ACTION_NAMES).join(', ')}.`);
	}
	const prompt = PROMPTED_ACTIONS.includes(action) ? readPrompt.call(this, itemIndex) : undefined;
	const count = options.numResults;
	if (count !== undefined && (!Number.isInteger(count) || Number(count) < 1)) {
		throw itemError(node, itemIndex, `the Number of Results ${String(count)} is not a whole number of at least 1`, 'Use 1 or more.');
	}
	return { action, prompt, count };
}

/** Edit Image (Bria): POST {host}/bria/image/edit/{action} with the image (and mask) as data URIs, then GET /bria/{request_id}. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const options = readOptions.call(this, itemIndex);
	const { action, prompt, count } = readAction.call(this, itemIndex, options);
	const additional = parseAdditionalFields(this.getNode(), options.additionalBodyFields, itemIndex);
	const limit = { maxBytes: MAX_IMAGE_BYTES, api: 'Bria' };
	const imageField = String(this.getNodeParameter('imageField', itemIndex, 'data') ?? '').trim();
	const maskField = MASKED_ACTIONS.includes(action) ? String(this.getNodeParameter('maskField', itemIndex, '') ?? '').trim() : '';
	if (MASKED_ACTIONS.includes(action) && !maskField) {
		throw itemError(this.getNode(), itemIndex, `${ACTION_NAMES[action]} needs a mask, and the Mask Field is empty`, 'Name the binary field with the mask (white: edit, black: keep).');
	}
	const image = await readInputBase64.call(this, itemIndex, imageField, IMAGE_LABEL, limit);
	const mask = maskField ? await readInputBase64.call(this, itemIndex, maskField, MASK_LABEL, limit) : undefined;
	const body: IDataObject = {
		image: image.dataUri,
		...(mask ? { mask: mask.dataUri } : {}),
		...(prompt !== undefined ? { prompt } : {}),
		...(count !== undefined ? { num_results: count } : {}),
		...additional,
	};
	return await runTask.call(this, briaApi, itemIndex, run, {
		request: { method: 'POST', root: 'host', endpoint: `/bria/image/edit/${action}`, body },
		options,
		json: { action, ...(prompt !== undefined ? { prompt } : {}) },
	});
}
