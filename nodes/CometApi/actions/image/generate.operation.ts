import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { apiRequest } from '../../transport';
import {
	binaryOutputOption,
	maxConcurrencyOption,
	maxRetriesOption,
	modelProperty,
	optionsCollection,
	outputModeOption,
	promptProperty,
	timeoutOption,
} from '../common.description';
import {
	additionalBodyFieldsOption,
	backgroundOption,
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
import { imagesReplyToItems, readImagesRequest } from './images-api';

const properties: INodeProperties[] = [
	modelProperty('gpt-image-1', 'searchImageModels'),
	promptProperty(
		'A text description of the image to generate',
		'e.g. A paper boat on calm water at sunrise',
		'Length limits: gpt-image-* 32,000 characters, dall-e-3 4,000, dall-e-2 1,000; other models: see their page on CometAPI',
	),
	// Sorted by display name, as n8n lists them.
	optionsCollection([
		additionalBodyFieldsOption,
		backgroundOption,
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
			description: 'Content moderation level (gpt-image-*)',
		},
		numberOfImagesOption,
		outputCompressionOption,
		outputFormatOption,
		outputModeOption,
		binaryOutputOption,
		qualityOption,
		responseFormatOption,
		sizeOption,
		customSizeOption,
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
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['generate'] } },
	properties,
);

/** Generate Image: POST /images/generations with a JSON body; every image becomes a binary. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const request = readImagesRequest.call(this, itemIndex);
	const { model, prompt, fields } = request;
	const response = await apiRequest.call(this, {
		method: 'POST',
		endpoint: '/images/generations',
		body: { model, prompt, ...fields },
		...request.settings,
		itemIndex,
	});
	return await imagesReplyToItems.call(this, itemIndex, request, response);
}
