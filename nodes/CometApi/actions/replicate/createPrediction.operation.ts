import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readInputBase64 } from '../../helpers/binary-input';
import { itemError } from '../../helpers/item-error';
import { oneBinaryFieldHint } from '../binary-fields.description';
import { optionsCollection } from '../common.description';
import { parseAdditionalFields, readOptions } from '../parameters';
import type { RunContext } from '../run-context';
import { runTask, taskOptions } from '../tasks';
import { replicateApi } from './replicate-api';

const INPUT_LABEL = 'Input (JSON)';
const IMAGE_LABEL = 'Image Inputs';

const properties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'replicateModel',
		type: 'string',
		default: 'black-forest-labs/flux-kontext-pro',
		required: true,
		placeholder: 'e.g. black-forest-labs/flux-1.1-pro',
		description: 'The model as owner/name, e.g. black-forest-labs/flux-schnell, flux-kontext-max, flux-2-pro',
		hint: 'owner/name as in the model’s address on replicate.com, e.g. black-forest-labs/flux-kontext-pro',
	},
	{
		displayName: INPUT_LABEL,
		name: 'input',
		type: 'json',
		default: '{\n  "prompt": "",\n  "output_format": "png"\n}',
		required: true,
		description:
			'The model’s input object, as its page on replicate.com lists the fields (prompt, aspect_ratio, output_format, safety_tolerance…). Sent as {"input": …}.',
		hint: 'The fields of the model’s API page on replicate.com, e.g. {"prompt": "a lighthouse at dawn", "aspect_ratio": "16:9"}; a "prompt" may not be empty; images go in Image Inputs',
	},
	{
		displayName: IMAGE_LABEL,
		name: 'imageInputs',
		type: 'fixedCollection',
		placeholder: 'Add Image Input',
		default: {},
		typeOptions: { multipleValues: true },
		description: 'Images of the input item sent in the input as data URIs, each under its input key (a key given twice becomes a list)',
		options: [
			{
				displayName: 'Image',
				name: 'images',
				values: [
					{
						displayName: 'Binary Field',
						name: 'binaryField',
						type: 'string',
						default: 'data',
						description: 'Binary field of the input item with the image',
						hint: oneBinaryFieldHint('an image, PNG, JPEG, WEBP or GIF, up to 50 MB, sent as a data URI'),
					},
					{
						displayName: 'Input Key',
						name: 'inputKey',
						type: 'string',
						default: 'input_image',
						description: 'The input field the image goes to, e.g. input_image, image_prompt, input_images',
					},
				],
			},
		],
	},
	optionsCollection([...taskOptions]),
];

export const description = updateDisplayOptions({ show: { resource: ['replicate'], operation: ['createPrediction'] } }, properties);

export const waitsForTasks = true;

/** The input object: Input (JSON), then each image under its key as a data URI (a repeated key makes a list). */
async function readInput(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const node = this.getNode();
	const input = { ...parseAdditionalFields(node, this.getNodeParameter('input', itemIndex, '{}'), itemIndex, INPUT_LABEL) };
	const mappings = ((this.getNodeParameter('imageInputs', itemIndex, {}) as IDataObject).images ?? []) as IDataObject[];
	const counts = new Map<string, number>();
	for (const mapping of mappings) {
		const key = String(mapping.inputKey ?? '').trim();
		if (!key) throw itemError(node, itemIndex, `an entry of ${IMAGE_LABEL} has no Input Key`, 'Name the input field the image goes to, e.g. input_image.');
		counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	for (const mapping of mappings) {
		const key = String(mapping.inputKey).trim();
		const image = await readInputBase64.call(this, itemIndex, String(mapping.binaryField ?? '').trim(), IMAGE_LABEL);
		if ((counts.get(key) ?? 0) > 1) input[key] = [...((input[key] as string[] | undefined) ?? []), image.dataUri];
		else input[key] = image.dataUri;
	}
	if (Object.keys(input).length === 0) {
		throw itemError(node, itemIndex, `${INPUT_LABEL} is empty`, 'Write the model’s input, e.g. {"prompt": "a lighthouse at dawn"}.');
	}
	// the default Input has "prompt": "": a model that takes a prompt would refuse (and may bill) an empty one
	if ('prompt' in input && (input.prompt === null || (typeof input.prompt === 'string' && input.prompt.trim() === ''))) {
		throw itemError(
			node,
			itemIndex,
			`the "prompt" of ${INPUT_LABEL} is empty`,
			'Write what to draw, e.g. {"prompt": "a lighthouse at dawn"}, or remove the "prompt" key if the model takes none.',
		);
	}
	return input;
}

/** Run Model (Replicate-style): POST {host}/replicate/v1/models/{owner}/{name}/predictions, then the prediction until it ends. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const model = String(this.getNodeParameter('replicateModel', itemIndex, '') ?? '').trim();
	if (!/^[\w.-]+\/[\w.-]+$/.test(model)) {
		throw itemError(this.getNode(), itemIndex, `the Model "${model}" is not owner/name`, 'Write it as on replicate.com, e.g. black-forest-labs/flux-kontext-pro.');
	}
	const options = readOptions.call(this, itemIndex);
	const input = await readInput.call(this, itemIndex);
	const prompt = typeof input.prompt === 'string' ? { prompt: input.prompt } : {};
	return await runTask.call(this, replicateApi, itemIndex, run, {
		request: { method: 'POST', root: 'host', endpoint: `/replicate/v1/models/${model}/predictions`, body: { input } },
		options,
		json: { model, ...prompt },
		requestedFormat: typeof input.output_format === 'string' ? input.output_format : undefined,
	});
}
