import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { additionalBodyFieldsOption, commonOptions, maxDownloadSizeOption, optionsCollection } from '../common.description';

/*
 * Options of the Images API (generations and edits). An option the API takes as a request field is
 * a BodyOption: its panel entry and the field it is sent as, declared together. Each operation lists
 * the BodyOptions its endpoint takes (see images-api.ts); the request carries those the user set.
 */

/** An option sent as a request field: how the panel shows it, and the API's name for it. */
export interface BodyOption {
	property: INodeProperties;
	/** The request field the option's value is sent as. */
	field: string;
}

export const backgroundOption: BodyOption = {
	field: 'background',
	property: {
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
	},
};

export const downloadUrlsOption: INodeProperties = {
	displayName: 'Download Image URLs',
	name: 'downloadUrls',
	type: 'boolean',
	default: true,
	description:
		'Whether to download images the API returns as URLs into binary data. Off: output the URLs only (provider URLs expire, often within an hour).',
};

export const numberOfImagesOption: BodyOption = {
	field: 'n',
	property: {
		displayName: 'Number of Images',
		name: 'n',
		type: 'number',
		default: 1,
		typeOptions: { minValue: 1, maxValue: 10 },
		description: 'How many images to make (1–10). Some models (dall-e-3, qwen-image) make only one.',
	},
};

export const outputCompressionOption: BodyOption = {
	field: 'output_compression',
	property: {
		displayName: 'Output Compression',
		name: 'outputCompression',
		type: 'number',
		default: 100,
		typeOptions: { minValue: 0, maxValue: 100 },
		description: 'Compression level 0–100 for JPEG and WEBP output (gpt-image-*)',
		// offered once Output Format is JPEG or WEBP; the run-time check still catches expressions
		displayOptions: { show: { outputFormat: ['jpeg', 'webp'] } },
	},
};

export const outputFormatOption: BodyOption = {
	field: 'output_format',
	property: {
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
	},
};

/** Every quality, for a model the node does not know; a known model's Quality list is its share of these. */
export const QUALITY_CHOICES: INodePropertyOptions[] = [
	{ name: 'Auto', value: 'auto', description: 'The model picks (gpt-image-*)' },
	{ name: 'HD', value: 'hd', description: 'For dall-e-3' },
	{ name: 'High', value: 'high', description: 'For gpt-image-*' },
	{ name: 'Low', value: 'low', description: 'For gpt-image-*' },
	{ name: 'Max', value: 'max', description: 'For gpt-image-2.5 and later' },
	{ name: 'Medium', value: 'medium', description: 'For gpt-image-*' },
	{ name: 'Standard', value: 'standard', description: 'For dall-e-2 and dall-e-3' },
	{ name: 'XHigh', value: 'xhigh', description: 'For gpt-image-2.5 and later' },
];

/** Edit Image's qualities: no hd (dall-e-3, which does not edit). */
export const EDIT_QUALITY_CHOICES: INodePropertyOptions[] = QUALITY_CHOICES.filter((option) => option.value !== 'hd').map(
	(option) => (option.value === 'standard' ? { ...option, description: 'For dall-e-2' } : option),
);

/** What the Size and Quality lists depend on: the model's ID, in either mode of its picker. */
const DEPENDS_ON_MODEL = ['modelId.value'];

export const qualityOption: BodyOption = {
	field: 'quality',
	property: {
		// n8n's rule for a list loaded by a method: its name ends in "Name or ID"
		displayName: 'Quality Name or ID',
		name: 'quality',
		type: 'options',
		default: 'auto',
		// the values of the chosen model (methods/loadOptions.ts)
		typeOptions: { loadOptionsMethod: 'imageQualities', loadOptionsDependsOn: DEPENDS_ON_MODEL },
		description:
			'Image quality. The list shows the values the chosen model takes, or all of them for a model the node does not know. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
};

export const responseFormatOption: BodyOption = {
	field: 'response_format',
	property: {
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
	},
};

/** Every size preset, for a model the node does not know; a known model's Size list is its share of these. */
// Labels lead with the shape so the list reads Auto, Custom, Landscape…, Portrait…, Square….
export const SIZE_CHOICES: INodePropertyOptions[] = [
	{ name: 'Auto', value: 'auto', description: 'The model picks the size (gpt-image-*); other models use their default' },
	{ name: 'Custom', value: 'custom', description: 'Any size the model takes, entered in Size (Custom), e.g. 2048x2048 or 2K' },
	{ name: 'Landscape 1536x1024', value: '1536x1024', description: 'For gpt-image-*' },
	{ name: 'Landscape 1792x1024', value: '1792x1024', description: 'For dall-e-3' },
	{ name: 'Landscape 2048x1152 (2K)', value: '2048x1152', description: 'For gpt-image-2 and later' },
	{ name: 'Landscape 3840x2160 (4K)', value: '3840x2160', description: 'For gpt-image-2 and later' },
	{ name: 'Portrait 1024x1536', value: '1024x1536', description: 'For gpt-image-*' },
	{ name: 'Portrait 1024x1792', value: '1024x1792', description: 'For dall-e-3' },
	{ name: 'Portrait 2160x3840 (4K)', value: '2160x3840', description: 'For gpt-image-2 and later' },
	{ name: 'Square 1024x1024', value: '1024x1024', description: 'Most models' },
	{ name: 'Square 2048x2048 (2K)', value: '2048x2048', description: 'For gpt-image-2 and later' },
	{ name: 'Square 256x256', value: '256x256', description: 'For dall-e-2' },
	{ name: 'Square 512x512', value: '512x512', description: 'For dall-e-2' },
];

/** Edit Image's sizes: no dall-e-3 sizes (dall-e-3 only generates). */
export const EDIT_SIZE_CHOICES: INodePropertyOptions[] = SIZE_CHOICES.filter((option) => !String(option.value).includes('1792'));

export const sizeOption: BodyOption = {
	field: 'size',
	property: {
		displayName: 'Size Name or ID',
		name: 'size',
		type: 'options',
		default: 'auto',
		// the sizes of the chosen model (methods/loadOptions.ts)
		typeOptions: { loadOptionsMethod: 'imageSizes', loadOptionsDependsOn: DEPENDS_ON_MODEL },
		description:
			'Size of the images. The list shows the sizes the chosen model takes, or all of them for a model the node does not know; Custom takes any other. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
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

export const userOption: BodyOption = {
	field: 'user',
	property: {
		displayName: 'User',
		name: 'user',
		type: 'string',
		default: '',
		description: 'An ID for your end user, passed to the provider for abuse monitoring',
	},
};

/**
 * The Options collection of an Images API operation: the options every operation has, those of the
 * Images API's replies, the operation's BodyOptions and its own `extra` options.
 */
export function imagesOptionsCollection(bodyOptions: BodyOption[], extra: INodeProperties[] = []): INodeProperties {
	return optionsCollection([
		...commonOptions,
		additionalBodyFieldsOption,
		customSizeOption,
		downloadUrlsOption,
		maxDownloadSizeOption,
		...bodyOptions.map((option) => option.property),
		...extra,
	]);
}
