import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readInputBase64 } from '../../helpers/binary-input';
import { itemError } from '../../helpers/item-error';
import {
	additionalBodyFieldsOption,
	modelProperty,
	optionsCollection,
	promptProperty,
} from '../common.description';
import { defaultThenByShape } from '../aspect-ratios';
import { binaryFieldsHint } from '../binary-fields.description';
import { parseAdditionalFields, parsePropertyNames, readModel, readOptions, readPrompt } from '../parameters';
import type { RunContext } from '../run-context';
import { runTask, taskOptions } from '../tasks';
import { fluxApi } from './flux-api';

export const DEFAULT_FLUX_MODEL = 'flux-pro-1.1';
const REFERENCE_LABEL = 'Reference Image Fields';
/** FLUX.2 pro, flex and max take 8 reference images (input_image … input_image_8), klein 4; the other models one (BFL's endpoints reference). */
export function maxReferenceImages(model: string): number {
	if (/flux-2-klein/i.test(model)) return 4;
	return /flux-2/i.test(model) ? 8 : 1;
}
/** BFL: at most 4 megapixels (FLUX.2; FLUX.1's limits are lower). */
const MAX_PIXELS = 2048 * 2048;
const isFlex = (model: string) => /flux-2-flex/i.test(model);
const ASPECT_RATIOS = ['1:1', '16:9', '21:9', '2:3', '3:2', '3:4', '4:3', '9:16', '9:21'];

const properties: INodeProperties[] = [
	modelProperty(DEFAULT_FLUX_MODEL, 'searchFluxModels'),
	promptProperty(
		'What to draw, or (with a reference image and a Kontext model) what to change in it',
		'e.g. A ceramic mug on a linen cloth, soft morning light, product photo',
		'Kontext models edit the reference image as the prompt says: "make it a watercolor", "put it on a beach"',
	),
	{
		displayName: REFERENCE_LABEL,
		name: 'referenceImage',
		type: 'string',
		default: '',
		placeholder: 'e.g. data',
		description:
			'Binary fields of the input item with images for the model, comma-separated: the images to edit or combine (FLUX.2: up to 8, klein 4, sent as input_image, input_image_2 … input_image_8; Kontext: one) or one image prompt (pro, ultra). Sent as base64. Leave empty to draw from the prompt alone.',
		hint: binaryFieldsHint('FLUX.2 up to 8 images (klein 4), the other models one, PNG, JPEG, WEBP or GIF, each up to 50 MB; empty: the prompt alone'),
	},
	{
		displayName: 'Size',
		name: 'sizeMode',
		type: 'options',
		default: '',
		options: [
			{ name: 'Model Default (Not Sent)', value: '', description: 'The model picks (Kontext: the shape of the reference image)' },
			{ name: 'Width and Height', value: 'dimensions', description: 'Pixels, multiples of 32 (flux-pro-1.1, flux-dev, FLUX.2)' },
			{ name: 'Aspect Ratio', value: 'aspectRatio', description: 'A shape (flux-pro-1.1-ultra, Kontext)' },
		],
		description: 'How the image size is given; models take one or the other',
	},
	{
		displayName: 'Width',
		name: 'width',
		type: 'number',
		default: 1024,
		typeOptions: { minValue: 64 },
		displayOptions: { show: { sizeMode: ['dimensions'] } },
		description: 'Width in pixels, a multiple of 32 (flux-pro-1.1: 256–1440; FLUX.2: width × height up to 4 MP)',
	},
	{
		displayName: 'Height',
		name: 'height',
		type: 'number',
		default: 768,
		typeOptions: { minValue: 64 },
		displayOptions: { show: { sizeMode: ['dimensions'] } },
		description: 'Height in pixels, a multiple of 32 (flux-pro-1.1: 256–1440; FLUX.2: width × height up to 4 MP)',
	},
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		default: '16:9',
		options: defaultThenByShape(ASPECT_RATIOS.map((ratio) => ({ name: ratio, value: ratio })), '16:9'),
		displayOptions: { show: { sizeMode: ['aspectRatio'] } },
		description: 'Shape of the image (aspect_ratio); BFL takes 21:9 to 9:21',
	},
	optionsCollection([
		...taskOptions,
		additionalBodyFieldsOption,
		{
			displayName: 'Guidance (Flex)',
			name: 'guidance',
			type: 'number',
			default: 4.5,
			typeOptions: { minValue: 1.5, maxValue: 10, numberPrecision: 1 },
			description: 'How closely flux-2-flex follows the prompt, 1.5 to 10 (guidance; flux-2-flex only)',
		},
		{
			displayName: 'Output Format',
			name: 'outputFormat',
			type: 'options',
			default: 'jpeg',
			options: [
				{ name: 'JPEG', value: 'jpeg' },
				{ name: 'PNG', value: 'png' },
			],
			description: 'File format of the image (output_format)',
		},
		{
			displayName: 'Safety Tolerance',
			name: 'safetyTolerance',
			type: 'number',
			default: 2,
			typeOptions: { minValue: 0, maxValue: 6 },
			description: 'How permissive moderation is, 0 (strict) to 6 (least strict) (safety_tolerance)',
		},
		{
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			default: 0,
			description: 'A fixed seed gives the same image for the same request (seed)',
		},
		{
			displayName: 'Steps (Flex)',
			name: 'steps',
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1, maxValue: 50 },
			description: 'Number of inference steps of flux-2-flex, 1 to 50 (steps; flux-2-flex only)',
		},
		{
			displayName: 'Send Reference Image As',
			name: 'referenceImageKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. input_image',
			description:
				'The body key the first reference image goes under (the next ones: the key with _2, _3…). Empty: input_image for Kontext and FLUX.2 models, image_prompt for the others.',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['flux'], operation: ['generateImage'] } }, properties);

export const waitsForTasks = true;

/** Kontext and FLUX.2 edit the image they are given (input_image); the others take an image prompt. */
export function referenceImageKey(model: string, configured: unknown): string {
	const key = typeof configured === 'string' ? configured.trim() : '';
	if (key) return key;
	return /kontext|flux-2/i.test(model) ? 'input_image' : 'image_prompt';
}

function readSize(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const mode = this.getNodeParameter('sizeMode', itemIndex, '') as string;
	if (mode === 'aspectRatio') {
		const ratio = String(this.getNodeParameter('aspectRatio', itemIndex, '')).trim();
		if (!/^\d+:\d+$/.test(ratio)) throw itemError(this.getNode(), itemIndex, `the Aspect Ratio "${ratio}" is not a ratio like 16:9`, 'Pick one from the list.');
		return { aspect_ratio: ratio };
	}
	if (mode !== 'dimensions') return {};
	const size: IDataObject = {};
	for (const [name, label] of [['width', 'Width'], ['height', 'Height']]) {
		const value = Number(this.getNodeParameter(name, itemIndex, 0));
		if (!Number.isInteger(value) || value < 64 || value % 32 !== 0) {
			throw itemError(this.getNode(), itemIndex, `the ${label} ${value} is not a multiple of 32 (at least 64)`, `Flux takes sizes in steps of 32, e.g. ${Math.max(64, Math.round(value / 32) * 32 || 1024)}.`);
		}
		size[name] = value;
	}
	if (Number(size.width) * Number(size.height) > MAX_PIXELS) {
		throw itemError(this.getNode(), itemIndex, `the size ${String(size.width)}×${String(size.height)} is more than the 4 megapixels Flux takes`, 'Keep Width × Height at most 4,194,304 pixels, e.g. 2048×2048 or 2560×1600.');
	}
	return size;
}

/** Generate or Edit Image (Flux): POST {host}/flux/v1/{model}, then get_result until Ready; result.sample downloaded at once. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const model = readModel.call(this, itemIndex);
	const prompt = readPrompt.call(this, itemIndex);
	const options = readOptions.call(this, itemIndex);
	const size = readSize.call(this, itemIndex);
	const safety = options.safetyTolerance;
	if (safety !== undefined && (!Number.isInteger(safety) || Number(safety) < 0 || Number(safety) > 6)) {
		throw itemError(this.getNode(), itemIndex, `the Safety Tolerance ${String(safety)} is not a whole number from 0 to 6`, 'Use 0 (strict) to 6 (least strict).');
	}
	const flex: IDataObject = {};
	for (const [name, label, min, max, whole] of [['steps', 'Steps', 1, 50, true], ['guidance', 'Guidance', 1.5, 10, false]] as const) {
		const value = options[name];
		if (value === undefined) continue;
		if (!isFlex(model)) {
			throw itemError(this.getNode(), itemIndex, `${label} (Flex) is for flux-2-flex only, not ${model}`, `Remove the ${label} (Flex) option, or pick flux-2-flex.`);
		}
		if (typeof value !== 'number' || value < min || value > max || (whole && !Number.isInteger(value))) {
			throw itemError(this.getNode(), itemIndex, `the ${label} ${String(value)} is not ${whole ? 'a whole number ' : ''}from ${min} to ${max}`, `flux-2-flex takes ${name} from ${min} to ${max}.`);
		}
		flex[name] = value;
	}
	const additional = parseAdditionalFields(this.getNode(), options.additionalBodyFields, itemIndex);
	const fields = parsePropertyNames(this.getNodeParameter('referenceImage', itemIndex, ''));
	const most = maxReferenceImages(model);
	if (fields.length > most) {
		throw itemError(this.getNode(), itemIndex, `${REFERENCE_LABEL} lists ${fields.length} images, more than the ${most} ${model} takes`, 'FLUX.2 pro, flex and max take up to 8 reference images, klein 4, the other models one.');
	}
	const key = referenceImageKey(model, options.referenceImageKey);
	const references: IDataObject = {};
	for (const [index, field] of fields.entries()) {
		const image = await readInputBase64.call(this, itemIndex, field, REFERENCE_LABEL);
		references[index === 0 ? key : `${key}_${index + 1}`] = image.base64;
	}
	const field = fields.join(', ');
	const body: IDataObject = {
		prompt,
		...size,
		...(options.seed !== undefined ? { seed: Number(options.seed) } : {}),
		...(options.outputFormat ? { output_format: options.outputFormat } : {}),
		...(safety !== undefined ? { safety_tolerance: safety } : {}),
		...flex,
		...references,
		...additional,
	};
	return await runTask.call(this, fluxApi, itemIndex, run, {
		request: { method: 'POST', root: 'host', endpoint: `/flux/v1/${encodeURIComponent(model)}`, body },
		options,
		json: { model, prompt, ...size, ...(fields.length > 0 ? { referenceImage: field, referenceImageKey: key } : {}) },
		requestedFormat: typeof options.outputFormat === 'string' ? options.outputFormat : undefined,
	});
}
