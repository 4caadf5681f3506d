import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { toOutputItems } from '../../helpers/binary-output';
import { collectImages } from '../../helpers/images-response';
import { apiRequest } from '../../transport';
import {
	binaryOutputOption,
	maxConcurrencyOption,
	maxRetriesOption,
	modelProperty,
	outputModeOption,
	promptProperty,
	readModel,
	readOutputSettings,
	readPrompt,
	readRequestSettings,
	timeoutOption,
} from '../common.description';
import {
	additionalBodyFieldsOption,
	backgroundOption,
	buildImageBody,
	customSizeOption,
	downloadUrlsOption,
	numberOfImagesOption,
	outputCompressionOption,
	outputFormatOption,
	qualityOption,
	responseFormatOption,
	sizeOption,
	userOption,
} from './image-options.description';

const properties: INodeProperties[] = [
	modelProperty('gpt-image-1'),
	promptProperty('A text description of the image to generate', 'e.g. A paper boat on calm water at sunrise'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		// Sorted by display name, as n8n lists them.
		options: [
			additionalBodyFieldsOption,
			backgroundOption,
			customSizeOption,
			downloadUrlsOption,
			maxConcurrencyOption,
			maxRetriesOption,
			{
				displayName: 'Moderation',
				name: 'moderation',
				type: 'options',
				default: 'auto',
				options: [
					{ name: 'Auto', value: 'auto' },
					{ name: 'Low', value: 'low', description: 'Less restrictive filtering' },
				],
				description: 'Content moderation level (GPT image models)',
			},
			numberOfImagesOption,
			outputCompressionOption,
			outputFormatOption,
			outputModeOption,
			binaryOutputOption,
			qualityOption,
			responseFormatOption,
			sizeOption,
			{
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
			timeoutOption,
			userOption,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['generate'] } },
	properties,
);

/** Generate Image: POST /images/generations with a JSON body; every image becomes a binary. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const model = readModel.call(this, itemIndex);
	const prompt = readPrompt.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const fields = buildImageBody(this.getNode(), options, model, itemIndex);
	const requestSettings = readRequestSettings(options);
	const output = readOutputSettings.call(this, options, itemIndex, fields.output_format as string | undefined);

	const response = await apiRequest.call(this, {
		method: 'POST',
		endpoint: '/images/generations',
		body: { model, prompt, ...fields },
		...requestSettings,
		itemIndex,
	});

	const images = await collectImages.call(this, response, {
		itemIndex,
		downloadUrls: options.downloadUrls !== false,
		timeoutSeconds: requestSettings.timeoutSeconds,
	});
	const json: IDataObject = {
		model: typeof response.model === 'string' ? response.model : model,
		prompt,
		...(fields.size !== undefined ? { size: fields.size } : {}),
		...(fields.quality !== undefined ? { quality: fields.quality } : {}),
		...(fields.output_format !== undefined ? { output_format: fields.output_format } : {}),
		...(fields.background !== undefined ? { background: fields.background } : {}),
		...(response.usage !== undefined ? { usage: response.usage } : {}),
		...(response.created !== undefined ? { created: response.created } : {}),
	};
	return await toOutputItems.call(this, itemIndex, images, json, output);
}
