import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readInputBlob, type AcceptedImages, type InputBlob } from '../../helpers/binary-input';
import { JPEG, PNG, pngHasAlpha, WEBP } from '../../helpers/image-type';
import { itemError } from '../../helpers/item-error';
import { isEditModel } from '../../helpers/model-families';
import { binaryFieldsHint, maskFieldHint } from '../binary-fields.description';
import { modelProperty, promptProperty } from '../common.description';
import { parsePropertyNames } from '../parameters';
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

/** OpenAI's limit for GPT image models, which CometAPI passes on. */
export const MAX_EDIT_IMAGES = 16;
const IMAGES_LABEL = 'Input Image Fields';
const MASK_LABEL = 'Mask Binary Field';
/** What /images/edits takes (GIF, HEIC, SVG, BMP… are refused by the API). */
const ACCEPTED: AcceptedImages = { types: [PNG, JPEG, WEBP], operation: 'Edit Image' };
/** OpenAI's limit for a mask, which CometAPI passes on: a PNG under 4 MB. */
export const MAX_MASK_BYTES = 4 * 1024 * 1024;
/** Multipart fields that carry files; Additional Body Fields cannot set them. */
const FILE_FIELDS = ['image', 'image[]', 'mask'];

/** The sizes /images/edits takes (EDIT_SIZE_CHOICES, for a model the node does not know). */
const editSizeOption: BodyOption = {
	...sizeOption,
	property: { ...sizeOption.property, typeOptions: { ...sizeOption.property.typeOptions, loadOptionsMethod: 'editImageSizes' } },
};

/** The qualities /images/edits takes (EDIT_QUALITY_CHOICES, for a model the node does not know). */
const editQualityOption: BodyOption = {
	...qualityOption,
	property: { ...qualityOption.property, typeOptions: { ...qualityOption.property.typeOptions, loadOptionsMethod: 'editImageQualities' } },
};

/** The options /images/edits takes, each sent as its request field. */
const bodyOptions: BodyOption[] = [
	backgroundOption,
	{
		field: 'input_fidelity',
		property: {
			displayName: 'Input Fidelity',
			name: 'inputFidelity',
			type: 'options',
			default: 'low',
			options: [
				{
					name: 'High',
					value: 'high',
					description: 'Keep faces, logos and fine details of the input closer (more input tokens)',
				},
				{ name: 'Low', value: 'low' },
			],
			description: 'How closely the result follows the input images (gpt-image-1 and later; not gpt-image-1-mini)',
		},
	},
	numberOfImagesOption,
	outputCompressionOption,
	outputFormatOption,
	editQualityOption,
	responseFormatOption,
	editSizeOption,
	userOption,
];

const properties: INodeProperties[] = [
	modelProperty('gpt-image-1', 'searchEditModels'),
	promptProperty(
		'What to change in the images, or what to make from them',
		'e.g. Put the product from the first image on the table from the second, in soft morning light',
		'Length limits: gpt-image-* 32,000 characters, dall-e-2 1,000; other models: see their page on CometAPI',
	),
	{
		displayName: IMAGES_LABEL,
		name: 'imageProperties',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data, data_1',
		description:
			'Names of the input binary fields holding the images to edit, comma-separated, up to 16 (PNG, JPEG or WEBP, each up to 50 MB). A mask applies to the first one.',
		hint: binaryFieldsHint('up to 16 images, PNG, JPEG or WEBP, each up to 50 MB; a mask applies to the first'),
	},
	imagesOptionsCollection(bodyOptions, [
		{
			displayName: 'Array Field for One Image',
			name: 'imageArrayField',
			type: 'boolean',
			default: false,
			description:
				'Whether to send a single input image as the field image[] (as OpenAI’s SDK does) instead of image (as CometAPI’s docs show). Several images are always sent as image[].',
		},
		{
			displayName: MASK_LABEL,
			name: 'maskProperty',
			type: 'string',
			default: '',
			placeholder: 'e.g. mask',
			description:
				'Name of the input binary field holding a PNG mask with an alpha channel, under 4 MB: its fully transparent areas are where the first image is edited. It must have the same width and height as the first image. Empty: no mask.',
			hint: maskFieldHint('transparent', 'a PNG with an alpha channel, the size of the first image, under 4 MB; empty: no mask'),
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['edit'] } }, properties);

/** The binary fields to upload, checked before any of them is read. */
function readFieldNames(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): { images: string[]; mask?: string } {
	const images = parsePropertyNames(context.getNodeParameter('imageProperties', itemIndex, 'data'));
	if (images.length === 0) {
		throw itemError(
			context.getNode(),
			itemIndex,
			`${IMAGES_LABEL} is empty`,
			'Enter the name of the binary field holding the image to edit, e.g. data.',
		);
	}
	if (images.length > MAX_EDIT_IMAGES) {
		throw itemError(
			context.getNode(),
			itemIndex,
			`${IMAGES_LABEL} lists ${images.length} images, more than the ${MAX_EDIT_IMAGES} an edit takes`,
			`List at most ${MAX_EDIT_IMAGES} binary fields, or split the images over several items.`,
		);
	}
	const mask = typeof options.maskProperty === 'string' ? options.maskProperty.trim() : '';
	if (mask && images.includes(mask)) {
		throw itemError(
			context.getNode(),
			itemIndex,
			`the ${MASK_LABEL} "${mask}" is also an input image`,
			'Set the mask to the binary field of a separate PNG mask. For an image whose own transparency marks the area to edit, leave the mask empty.',
		);
	}
	return { images, mask: mask || undefined };
}

/**
 * A mask must be a PNG with an alpha channel, under 4 MB, with the first image's width and height
 * (the API refuses anything else).
 */
async function checkMask(context: IExecuteFunctions, itemIndex: number, mask: InputBlob, first: InputBlob): Promise<void> {
	const fail = (problem: string, description: string) =>
		itemError(context.getNode(), itemIndex, `the mask in "${mask.property}" (${MASK_LABEL}) ${problem}`, description);
	if (mask.mimeType !== 'image/png' || !mask.size) {
		throw fail(`is not a PNG (${mask.mimeType})`, 'The mask must be a PNG whose fully transparent areas mark where to edit. Convert it to PNG first.');
	}
	if (mask.blob.size >= MAX_MASK_BYTES) {
		throw fail(
			`is ${(mask.blob.size / 1024 / 1024).toFixed(1)} MB; a mask must be under 4 MB`,
			'Save the mask as a smaller PNG: only its transparency counts, so fewer colours or a smaller size keep it light.',
		);
	}
	if (pngHasAlpha(Buffer.from(await mask.blob.arrayBuffer())) === false) {
		throw fail(
			'is a PNG without an alpha channel',
			'The fully transparent areas of the mask mark where to edit, so it needs transparency: save it as a PNG with an alpha channel (RGBA).',
		);
	}
	const { width, height } = mask.size;
	if (first.size && (first.size.width !== width || first.size.height !== height)) {
		throw fail(
			`is ${width}x${height} but the first image "${first.property}" is ${first.size.width}x${first.size.height}`,
			'The mask must have exactly the width and height of the first input image. Resize the mask first.',
		);
	}
}

/** A body field as multipart text: numbers and booleans as text, objects and arrays as JSON. */
function appendField(form: FormData, name: string, value: unknown): void {
	if (value === undefined || value === null) return;
	form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
}

/**
 * Edit Image: POST /images/edits as multipart/form-data. Everything is checked (fields, options,
 * every file) before the request; each file part carries its file name and real image type.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
): Promise<INodeExecutionData[]> {
	const request = readImagesRequest.call(this, itemIndex, bodyOptions);
	const { model, prompt, fields, options } = request;
	const fileField = FILE_FIELDS.find((name) => name in fields);
	if (fileField) {
		throw itemError(
			this.getNode(),
			itemIndex,
			`Additional Body Fields (JSON) cannot set "${fileField}"`,
			`Files are sent from binary fields: use ${IMAGES_LABEL} for images and ${MASK_LABEL} for the mask.`,
		);
	}
	const names = readFieldNames(this, itemIndex, options);

	const images: InputBlob[] = [];
	for (const property of names.images) {
		images.push(await readInputBlob.call(this, itemIndex, property, IMAGES_LABEL, ACCEPTED, { fromStore: true }));
	}
	const mask = names.mask ? await readInputBlob.call(this, itemIndex, names.mask, MASK_LABEL) : undefined;
	if (mask) await checkMask(this, itemIndex, mask, images[0]);

	// Text fields first (model before anything else, for relays that route while they read), then files.
	const form = new FormData();
	for (const [name, value] of Object.entries({ model, prompt, ...fields })) appendField(form, name, value);
	const imageField = images.length > 1 || options.imageArrayField === true ? 'image[]' : 'image';
	// Appended as they are (named Files): a file name given here would wrap a stored file in a copy.
	for (const image of images) form.append(imageField, image.blob);
	if (mask) form.append('mask', mask.blob);

	const response = await sendImagesRequest.call(this, itemIndex, run, request, '/images/edits', form, isEditModel);
	return await imagesReplyToItems.call(this, itemIndex, run, request, response, {
		imageFields: names.images,
		...(names.mask ? { maskField: names.mask } : {}),
	});
}
