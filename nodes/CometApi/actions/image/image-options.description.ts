import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ADDITIONAL_FIELDS_LABEL, parseAdditionalFields } from '../../helpers/body-fields';

/*
 * Options of the Images API (generations and edits). Each operation puts the ones its endpoint
 * takes into its Options collection; buildImageBody() sends exactly the options the user set.
 */

export const additionalBodyFieldsOption: INodeProperties = {
	displayName: ADDITIONAL_FIELDS_LABEL,
	name: 'additionalBodyFields',
	type: 'json',
	default: '{}',
	description:
		'A JSON object merged into the request body as is, for model-specific fields (e.g. {"watermark": false, "guidance_scale": 5} for Seedream). Its keys win over the options above.',
};

export const backgroundOption: INodeProperties = {
	displayName: 'Background',
	name: 'background',
	type: 'options',
	default: 'auto',
	options: [
		{ name: 'Auto', value: 'auto' },
		{ name: 'Opaque', value: 'opaque' },
		{ name: 'Transparent', value: 'transparent', description: 'Needs Output Format PNG or WEBP' },
	],
	description: 'Background of the image (gpt-image-*)',
};

export const downloadUrlsOption: INodeProperties = {
	displayName: 'Download Image URLs',
	name: 'downloadUrls',
	type: 'boolean',
	default: true,
	description:
		'Whether to download images the API returns as URLs into binary data. Off: output the URLs only (provider URLs expire, often within an hour).',
};

export const numberOfImagesOption: INodeProperties = {
	displayName: 'Number of Images',
	name: 'n',
	type: 'number',
	default: 1,
	typeOptions: { minValue: 1, maxValue: 10 },
	description: 'How many images to make (1–10). Some models (dall-e-3, qwen-image) make only one.',
};

export const outputCompressionOption: INodeProperties = {
	displayName: 'Output Compression',
	name: 'outputCompression',
	type: 'number',
	default: 100,
	typeOptions: { minValue: 0, maxValue: 100 },
	description: 'Compression level 0–100 for JPEG and WEBP output (gpt-image-*)',
	// offered once Output Format is JPEG or WEBP; the run-time check still catches expressions
	displayOptions: { show: { outputFormat: ['jpeg', 'webp'] } },
};

export const outputFormatOption: INodeProperties = {
	displayName: 'Output Format',
	name: 'outputFormat',
	type: 'options',
	default: 'png',
	options: [
		{ name: 'JPEG', value: 'jpeg' },
		{ name: 'PNG', value: 'png' },
		{ name: 'WEBP', value: 'webp' },
	],
	description: 'File format of the images (gpt-image-*)',
};

export const qualityOption: INodeProperties = {
	displayName: 'Quality',
	name: 'quality',
	type: 'options',
	default: 'auto',
	options: [
		{ name: 'Auto', value: 'auto', description: 'The model picks (gpt-image-*)' },
		{ name: 'HD', value: 'hd', description: 'For dall-e-3' },
		{ name: 'High', value: 'high', description: 'For gpt-image-*' },
		{ name: 'Low', value: 'low', description: 'For gpt-image-*' },
		{ name: 'Medium', value: 'medium', description: 'For gpt-image-*' },
		{ name: 'Standard', value: 'standard', description: 'For dall-e-2 and dall-e-3' },
	],
	description: 'Image quality; the values a model takes depend on the model',
};

export const responseFormatOption: INodeProperties = {
	displayName: 'Response Format',
	name: 'responseFormat',
	type: 'options',
	default: 'b64_json',
	options: [
		{ name: 'Base64', value: 'b64_json', description: 'The image data inside the reply (b64_json)' },
		{ name: 'URL', value: 'url', description: 'A link the node downloads at once (links expire, often within an hour)' },
	],
	description:
		'How dall-e-* and provider models (Seedream…) return images. Never sent to gpt-image-* models, which always return base64.',
};

export const sizeOption: INodeProperties = {
	displayName: 'Size',
	name: 'size',
	type: 'options',
	default: 'auto',
	// Labels lead with the shape so the list reads Auto, Custom, Landscape…, Portrait…, Square….
	options: [
		{ name: 'Auto', value: 'auto', description: 'The model picks the size (gpt-image-*); other models use their default' },
		{ name: 'Custom', value: 'custom', description: 'Any size the model takes, entered in Size (Custom), e.g. 2048x2048 or 2K' },
		{ name: 'Landscape 1536x1024', value: '1536x1024', description: 'For gpt-image-*' },
		{ name: 'Landscape 1792x1024', value: '1792x1024', description: 'For dall-e-3' },
		{ name: 'Portrait 1024x1536', value: '1024x1536', description: 'For gpt-image-*' },
		{ name: 'Portrait 1024x1792', value: '1024x1792', description: 'For dall-e-3' },
		{ name: 'Square 1024x1024', value: '1024x1024', description: 'Most models' },
		{ name: 'Square 256x256', value: '256x256', description: 'For dall-e-2' },
		{ name: 'Square 512x512', value: '512x512', description: 'For dall-e-2' },
	],
	description: 'Size of the images; the sizes a model takes depend on the model',
};

export const customSizeOption: INodeProperties = {
	displayName: 'Size (Custom)',
	name: 'customSize',
	type: 'string',
	default: '',
	placeholder: 'e.g. 2048x2048',
	description: 'Any size the model takes, e.g. 2048x2048, 3840x2160 or 2K (Seedream)',
	// offered once Size is Custom; the run-time check still catches expressions
	displayOptions: { show: { size: ['custom'] } },
};

export const userOption: INodeProperties = {
	displayName: 'User',
	name: 'user',
	type: 'string',
	default: '',
	description: 'An ID for your end user, passed to the provider for abuse monitoring',
};

/** Option name in the node → field name in the API request. */
const BODY_FIELD_NAMES: Record<string, string> = {
	background: 'background',
	inputFidelity: 'input_fidelity',
	moderation: 'moderation',
	n: 'n',
	outputCompression: 'output_compression',
	outputFormat: 'output_format',
	quality: 'quality',
	responseFormat: 'response_format',
	size: 'size',
	style: 'style',
	user: 'user',
};

/** gpt-image-* models reject response_format (they always answer in base64). */
export function takesResponseFormat(model: string): boolean {
	return !/^gpt-image/i.test(model);
}

/**
 * The API fields for the options the user set, checked before any request: combinations the API
 * would refuse are reported with the item and the option to change.
 */
export function buildImageBody(
	node: INode,
	options: IDataObject,
	model: string,
	itemIndex: number,
): IDataObject {
	const fail = (message: string, description: string) =>
		new NodeOperationError(node, `Item ${itemIndex}: ${message}`, { itemIndex, description });

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
	for (const [option, field] of Object.entries(BODY_FIELD_NAMES)) {
		const value = options[option];
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
	return { ...body, ...parseAdditionalFields(node, options.additionalBodyFields, itemIndex) };
}
