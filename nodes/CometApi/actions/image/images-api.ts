import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toOutputItems, type OutputSettings } from '../../helpers/binary-output';
import { collectImages } from '../../helpers/images-response';
import { readModel, readOutputSettings, readPrompt, readRequestSettings } from '../common.description';
import { buildImageBody } from './image-options.description';

/*
 * What the Images API operations (Generate Image, Edit Image) share around their request: reading
 * and checking the node's parameters for one item, and turning the `data[]` reply into items.
 */

/** One item's request to the Images API, read from the node and checked before anything is sent. */
export interface ImagesRequest {
	model: string;
	prompt: string;
	options: IDataObject;
	/** The API fields of the options the user set (see buildImageBody). */
	fields: IDataObject;
	settings: { timeoutSeconds: number; maxRetries: number };
	output: OutputSettings;
}

export function readImagesRequest(this: IExecuteFunctions, itemIndex: number): ImagesRequest {
	const model = readModel.call(this, itemIndex);
	const prompt = readPrompt.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const fields = buildImageBody(this.getNode(), options, model, itemIndex);
	return {
		model,
		prompt,
		options,
		fields,
		settings: readRequestSettings(options),
		output: readOutputSettings.call(this, options, itemIndex, fields.output_format as string | undefined),
	};
}

/**
 * The reply's images as output items. Their JSON: the model that answered, the prompt, what was
 * asked (size, quality, format, background), what the reply tells (usage, created), and `extra`.
 * Never image bytes.
 */
export async function imagesReplyToItems(
	this: IExecuteFunctions,
	itemIndex: number,
	request: ImagesRequest,
	response: IDataObject,
	extra: IDataObject = {},
): Promise<INodeExecutionData[]> {
	const images = await collectImages.call(this, response, {
		itemIndex,
		downloadUrls: request.options.downloadUrls !== false,
		timeoutSeconds: request.settings.timeoutSeconds,
	});
	const json: IDataObject = {
		model: typeof response.model === 'string' ? response.model : request.model,
		prompt: request.prompt,
	};
	for (const field of ['size', 'quality', 'output_format', 'background']) {
		if (request.fields[field] !== undefined) json[field] = request.fields[field];
	}
	for (const field of ['usage', 'created']) {
		if (response[field] !== undefined) json[field] = response[field];
	}
	return await toOutputItems.call(this, itemIndex, images, { ...json, ...extra }, request.output);
}
