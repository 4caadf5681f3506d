import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isGenerationModel } from '../../helpers/model-families';
import { modelProperty, promptProperty } from '../common.description';
import type { RunContext } from '../run-context';
import {
	backgroundOption,
	imagesOptionsCollection,
	numberOfImagesOption,
	outputCompressionOption,
	outputFormatOption,
	qualityOption,
	responseFormatOption,
	sizeOption,
	userOption,
	type BodyOption,
} from './image-options.description';
import { imagesReplyToItems, readImagesRequest, sendImagesRequest } from './images-api';
import { readSeedreamFields, seedreamOptionsProperty } from './seedream';

/** The options /images/generations takes, each sent as its request field. */
const bodyOptions: BodyOption[] = [
	backgroundOption,
	{
		field: 'moderation',
		property: {
			displayName: 'Moderation',
			name: 'moderation',
			type: 'options',
			default: 'auto',
			options: [
				{ name: 'Auto', value: 'auto' },
				{ name: 'Low', value: 'low', description: 'Less restrictive filtering' },
			],
			description: 'Content moderation level (gpt-image-*)',
		},
	},
	numberOfImagesOption,
	outputCompressionOption,
	outputFormatOption,
	qualityOption,
	responseFormatOption,
	sizeOption,
	{
		field: 'style',
		property: {
			displayName: 'Style',
			name: 'style',
			type: 'options',
			default: 'vivid',
			options: [
				{ name: 'Natural', value: 'natural' },
				{ name: 'Vivid', value: 'vivid' },
			],
			description: 'Style of the image (dall-e-3)',
		},
	},
	userOption,
];

const properties: INodeProperties[] = [
	modelProperty('gpt-image-1', 'searchImageModels'),
	promptProperty(
		'A text description of the image to generate',
		'e.g. A paper boat on calm water at sunrise',
		'Length limits: gpt-image-* 32,000 characters, dall-e-3 4,000, dall-e-2 1,000; other models: see their page on CometAPI',
	),
	imagesOptionsCollection(bodyOptions),
	seedreamOptionsProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['generate'] } },
	properties,
);

/** Generate Image: POST /images/generations with a JSON body; every image becomes a binary. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
): Promise<INodeExecutionData[]> {
	const request = readImagesRequest.call(this, itemIndex, bodyOptions);
	const { model, prompt, fields } = request;
	const seedream = await readSeedreamFields.call(this, itemIndex, model, fields.size);
	const body = { model, prompt, ...seedream, ...fields };
	const response = await sendImagesRequest.call(this, itemIndex, run, request, '/images/generations', body, isGenerationModel);
	const references = Array.isArray(seedream.image) ? { referenceImages: String(this.getNodeParameter('seedreamOptions.referenceImages', itemIndex, '')).split(',').map((name) => name.trim()).filter(Boolean) } : {};
	return await imagesReplyToItems.call(this, itemIndex, run, request, response, references);
}
