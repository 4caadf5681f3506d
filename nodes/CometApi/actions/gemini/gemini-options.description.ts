import type { INodeProperties } from 'n8n-workflow';

import { defaultThenByShape } from '../aspect-ratios';
import { binaryFieldsHint } from '../binary-fields.description';
import {
	additionalBodyFieldsOption,
	commonOptions,
	modelProperty,
	optionsCollection,
	promptProperty,
} from '../common.description';

/*
 * The panel of Gemini's native image generation (`generateContent`). The values are Google's:
 * CometAPI's pages show 1:1, 16:9 and 4:5 and the sizes 1K, 2K, 4K; the aspect ratios are those of
 * Google's SDK (types.ImageConfig).
 */

export const DEFAULT_GEMINI_IMAGE_MODEL = 'gemini-3.1-flash-image';
export const MAX_REFERENCE_IMAGES = 14;
export const REFERENCE_IMAGES_LABEL = 'Reference Image Fields';

/** Every aspect ratio a Gemini image model takes; Nano Banana 2 takes them all. */
export const ASPECT_RATIOS = ['1:1', '1:4', '1:8', '2:3', '3:2', '3:4', '4:1', '4:3', '4:5', '5:4', '8:1', '9:16', '16:9', '21:9'];
export const IMAGE_SIZES = ['512', '1K', '2K', '4K'];
/** Nano Banana Pro and the other Gemini image models: 10 ratios, 1K to 4K (Google Cloud's model pages). */
const CLASSIC_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
const CLASSIC_SIZES = ['1K', '2K', '4K'];
/** Google's limit for one inline file (Google Cloud's model pages). */
export const MAX_INLINE_IMAGE_BYTES = 7 * 1024 * 1024;

/** The aspect ratios and image sizes a model takes: Nano Banana 2 (3.1 Flash Image) all of them, the others 10 ratios and 1K–4K. */
export function geminiImageLimits(model: string): { aspectRatios: string[]; imageSizes: string[]; name: string } {
	return /gemini-3\.1-flash-image/i.test(model)
		? { aspectRatios: ASPECT_RATIOS, imageSizes: IMAGE_SIZES, name: 'Nano Banana 2' }
		: { aspectRatios: CLASSIC_RATIOS, imageSizes: CLASSIC_SIZES, name: model };
}

/** The shape of each aspect ratio, for its label in the list. */
const SHAPES: Record<string, string> = {
	'1:1': 'Square',
	'1:4': 'Tall, Nano Banana 2',
	'1:8': 'Very Tall, Nano Banana 2',
	'4:1': 'Banner, Nano Banana 2',
	'8:1': 'Wide Banner, Nano Banana 2',
	'2:3': 'Portrait',
	'3:2': 'Landscape',
	'3:4': 'Portrait',
	'4:3': 'Landscape',
	'4:5': 'Portrait',
	'5:4': 'Landscape',
	'9:16': 'Portrait, Stories',
	'16:9': 'Landscape, Widescreen',
	'21:9': 'Ultrawide',
};

/** `responseModalities` by the value of Response. */
export const RESPONSE_MODALITIES: Record<string, string[]> = {
	imageAndText: ['TEXT', 'IMAGE'],
	image: ['IMAGE'],
};

export const geminiImageProperties: INodeProperties[] = [
	modelProperty(DEFAULT_GEMINI_IMAGE_MODEL, 'searchGeminiImageModels'),
	promptProperty(
		'What to draw, or what to do with the reference images',
		'e.g. Put the product from the first image on a marble table, in the style of the second image',
		'Gemini takes long prompts; describe the scene, the style, and what each reference image is for (the first image, the second…)',
	),
	{
		displayName: REFERENCE_IMAGES_LABEL,
		name: 'referenceImages',
		type: 'string',
		default: '',
		placeholder: 'e.g. product, style',
		description: `Binary fields of the input item with images to edit, combine or take the style from, comma-separated, up to ${MAX_REFERENCE_IMAGES} (PNG, JPEG, WEBP; each up to 7 MB, Google’s limit for an inline file). They are sent in this order after the prompt. Leave empty to draw from the prompt alone.`,
		hint: binaryFieldsHint(`up to ${MAX_REFERENCE_IMAGES} images, PNG, JPEG or WEBP, each up to 7 MB, sent in this order; empty: the prompt alone`),
	},
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		default: '',
		options: defaultThenByShape(
			[
				{ name: 'Model Default (Not Sent)', value: '', description: 'The model picks (1:1, or the shape of the reference image)' },
				...ASPECT_RATIOS.map((ratio) => ({ name: `${ratio} (${SHAPES[ratio]})`, value: ratio })),
			],
			'',
		),
		description: 'Shape of the image (generationConfig.imageConfig.aspectRatio); 1:4, 1:8, 4:1 and 8:1 are Nano Banana 2’s only',
	},
	{
		displayName: 'Image Size',
		name: 'imageSize',
		type: 'options',
		default: '',
		options: [
			{ name: '1K', value: '1K', description: 'About 1024 pixels on the long side (Google’s default)' },
			{ name: '2K', value: '2K', description: 'About 2048 pixels on the long side' },
			{ name: '4K', value: '4K', description: 'About 4096 pixels on the long side (more output tokens)' },
			{ name: '512', value: '512', description: 'About 512 pixels on the long side (Nano Banana 2 only; fewer output tokens)' },
			{ name: 'Model Default (Not Sent)', value: '' },
		],
		description: 'Resolution of the image (generationConfig.imageConfig.imageSize): Nano Banana 2 takes 512 to 4K, the other models 1K to 4K'
	},
	{
		displayName: 'Response',
		name: 'responseModalities',
		type: 'options',
		default: 'imageAndText',
		options: [
			{
				name: 'Image and Text',
				value: 'imageAndText',
				description: 'The model may explain what it drew; the text goes to the JSON (responseModalities TEXT, IMAGE)',
			},
			{ name: 'Image Only', value: 'image', description: 'Only images (responseModalities IMAGE)' },
		],
		description: 'What the model answers with (generationConfig.responseModalities)',
	},
	optionsCollection([
		...commonOptions,
		{
			...additionalBodyFieldsOption,
			description:
				'A JSON object merged into the request body last, objects key by key, e.g. {"generationConfig": {"temperature": 0.8}} or {"safetySettings": […]}. Its keys win over the parameters above.',
		},
		{
			displayName: 'Fail When No Image',
			name: 'failWhenNoImage',
			type: 'boolean',
			default: true,
			description:
				'Whether a reply without an image (a blocked prompt, a safety stop, text only) stops the item with an error that quotes the reason. Off: the item is output with the text and imageCount 0.',
		},
		{
			displayName: 'Google Search Grounding',
			name: 'googleSearch',
			type: 'boolean',
			default: false,
			description:
				'Whether the model may search the web before drawing (tools: google_search), e.g. for today’s weather or a recent event. The sources it used go to the JSON.',
		},
		{
			displayName: 'Include Thought Images',
			name: 'includeThoughts',
			type: 'boolean',
			default: false,
			description:
				'Whether to output the intermediate images the model drew while thinking too, marked thought: true in the JSON. Off: only the final images.',
		},
		{
			displayName: 'System Instruction',
			name: 'systemInstruction',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			description: 'Standing instructions for the model, sent apart from the prompt (systemInstruction)',
		},
	]),
];
