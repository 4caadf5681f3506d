import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { toOutputItems, type OutputSettings } from '../../helpers/binary-output';
import { gptImageSizeProblem, takesInputFidelity, takesQuality } from '../../helpers/gpt-image';
import { collectImages, imagesReplyDiversion } from '../../helpers/images-response';
import { itemError } from '../../helpers/item-error';
import { reportTokenUsage } from '../../helpers/token-usage';
import { apiDivertingRequest } from '../../transport';
import { withModelSuggestions } from '../model-suggestions';
import {
	parseAdditionalFields,
	readModel,
	readOptions,
	readOutputSettings,
	readPrompt,
	readMaxDownloadBytes,
	readRequestSettings,
	type RequestSettings,
} from '../parameters';
import type { RunContext } from '../run-context';
import type { BodyOption } from './image-options.description';

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
	settings: RequestSettings;
	output: OutputSettings;
}

/** gpt-image-* models reject response_format (they always answer in base64). */
export function takesResponseFormat(model: string): boolean {
	return !/^gpt-image/i.test(model);
}

/**
 * The API fields for the options the user set, from the operation's BodyOptions, checked before any
 * request: combinations the API would refuse are reported with the item and the option to change.
 */
export function buildImageBody(
	node: INode,
	options: IDataObject,
	bodyOptions: BodyOption[],
	model: string,
	itemIndex: number,
): IDataObject {
	const fail = (message: string, description: string) => itemError(node, itemIndex, message, description);

	const format = typeof options.outputFormat === 'string' ? options.outputFormat : undefined;
	if (options.background === 'transparent' && format === 'jpeg') {
		throw fail(
			'Background "Transparent" cannot be used with Output Format "JPEG"',
			'JPEG has no transparency: set Output Format to PNG or WEBP, or choose another Background.',
		);
	}
	if (options.outputCompression !== undefined && (format === undefined || format === 'png')) {
		throw fail(
			'Output Compression works only with Output Format "JPEG" or "WEBP"',
			'Set Output Format to JPEG or WEBP, or remove the Output Compression option.',
		);
	}

	const body: IDataObject = {};
	for (const { property, field } of bodyOptions) {
		const value = options[property.name];
		if (value === undefined || value === '') continue;
		body[field] = value;
	}
	const customSize = typeof options.customSize === 'string' ? options.customSize.trim() : '';
	if (body.size === 'custom' || (body.size === undefined && customSize)) {
		if (!customSize) {
			throw fail('Size is "Custom" but Size (Custom) is empty', 'Enter a size in Size (Custom), e.g. 2048x2048.');
		}
		body.size = customSize;
	} else if (customSize) {
		throw fail(
			`Size (Custom) is set but Size is "${String(body.size)}"`,
			'Set Size to Custom to use Size (Custom), or remove Size (Custom).',
		);
	}
	if (!takesResponseFormat(model)) delete body.response_format;
	// gpt-image-2 and later always edit at high fidelity and refuse the field.
	if (!takesInputFidelity(model)) delete body.input_fidelity;
	if (typeof body.size === 'string') {
		const problem = gptImageSizeProblem(model, body.size);
		if (problem) {
			throw fail(
				`the size ${body.size} does not suit ${model}: ${problem}`,
				'gpt-image-2 and later take any WIDTHxHEIGHT with edges multiples of 16, up to 3840, long:short at most 3:1 and 655,360 to 8,294,400 pixels (e.g. 2048x2048, 3840x2160); gpt-image-1 and -1.5 take 1024x1024, 1536x1024, 1024x1536. Auto lets the model pick.',
			);
		}
	}
	if (typeof body.quality === 'string' && !takesQuality(model, body.quality)) {
		throw fail(`Quality "${body.quality}" is for gpt-image-2.5 and later, not ${model}`, 'Choose Auto, Low, Medium or High.');
	}
	return { ...body, ...parseAdditionalFields(node, options.additionalBodyFields, itemIndex) };
}

export function readImagesRequest(
	this: IExecuteFunctions,
	itemIndex: number,
	bodyOptions: BodyOption[],
): ImagesRequest {
	const model = readModel.call(this, itemIndex);
	const prompt = readPrompt.call(this, itemIndex);
	const options = readOptions.call(this, itemIndex);
	const fields = buildImageBody(this.getNode(), options, bodyOptions, model, itemIndex);
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
 * Sends an Images API request (`/images/generations` or `/images/edits`) and reads its reply as it
 * arrives, each image into the binary store; a model CometAPI does not know is answered with the
 * account's models that `fits`.
 */
export async function sendImagesRequest(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	request: ImagesRequest,
	endpoint: '/images/generations' | '/images/edits',
	body: IDataObject | FormData,
	fits: (model: string) => boolean,
): Promise<IDataObject> {
	return await withModelSuggestions.call(this, request.model, fits, async () =>
		await apiDivertingRequest.call(
			this,
			{ method: 'POST', endpoint, body, ...request.settings, itemIndex },
			imagesReplyDiversion(this, request.output.requestedFormat),
			run,
		),
	);
}

/**
 * The reply's images as output items. Their JSON: the model that answered, the prompt, what was
 * asked (size, quality, format, background), what the reply tells (usage, created), and `extra`.
 * Never image bytes.
 */
export async function imagesReplyToItems(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	request: ImagesRequest,
	response: IDataObject,
	extra: IDataObject = {},
): Promise<INodeExecutionData[]> {
	// Billed once the reply is here, whatever becomes of its images.
	reportTokenUsage.call(this, response.usage);
	const failures: IDataObject[] = [];
	const images = await collectImages.call(this, response, {
		failures,
		itemIndex,
		downloadUrls: request.options.downloadUrls !== false,
		timeoutSeconds: request.settings.timeoutSeconds,
		maxRetries: request.settings.maxRetries,
		maxBytes: readMaxDownloadBytes(request.options),
		signal: run.signal,
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
	// Images of the batch that failed (Seedream's data[i].error): the made ones are output, these named in each item's JSON.
	if (failures.length > 0) json.failedImages = failures;
	return await toOutputItems.call(this, itemIndex, images, { ...json, ...extra }, request.output);
}
