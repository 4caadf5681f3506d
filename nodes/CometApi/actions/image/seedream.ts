import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readInputBase64 } from '../../helpers/binary-input';
import { GIF, JPEG, PNG, WEBP } from '../../helpers/image-type';
import { itemError } from '../../helpers/item-error';
import { parsePropertyNames } from '../parameters';

/*
 * Seedream 4.0 / 4.5 / 5.0 on POST /images/generations (BytePlus ModelArk's image generation API,
 * which CometAPI proxies): reference images as the `image` array of data URIs, sequential images,
 * sizes per model and the watermark, which is on unless `watermark: false` is sent. The options sit
 * in a collection of their own on Generate Image, so a gpt-image user never sees them.
 */

export const REFERENCE_LABEL = 'Reference Image Fields';
export const MAX_REFERENCES = 14;
/** References plus images made: at most 15. */
export const MAX_TOTAL_IMAGES = 15;
const MAX_REFERENCE_BYTES = 10 * 1024 * 1024;
const MAX_REFERENCE_PIXELS = 6000 * 6000;
const MAX_RATIO = 16;

export const isSeedream = (model: string): boolean => /seedream/i.test(model);

/** The size rules of each Seedream generation: its presets, or WxH with total pixels in a range and aspect 1/16–16. */
interface SizeRules {
	name: string;
	presets: string[];
	minPixels: number;
	maxPixels: number;
}

export function seedreamSizeRules(model: string): SizeRules | undefined {
	if (/seedream-5|seedream-5\.0/i.test(model)) return { name: 'Seedream 5.0', presets: ['2K', '3K'], minPixels: 3_686_400, maxPixels: 10_404_496 };
	if (/seedream-4-5|seedream-4\.5/i.test(model)) return { name: 'Seedream 4.5', presets: ['2K', '4K'], minPixels: 3_686_400, maxPixels: 16_777_216 };
	if (/seedream-4-0|seedream-4\.0/i.test(model)) return { name: 'Seedream 4.0', presets: ['1K', '2K', '4K'], minPixels: 921_600, maxPixels: 16_777_216 };
	return undefined;
}

/** Why a size does not suit the Seedream model, or undefined (auto and unknown models pass). */
export function seedreamSizeProblem(model: string, size: string): string | undefined {
	const rules = seedreamSizeRules(model);
	if (!rules || size === 'auto') return undefined;
	if (/^\d+K$/i.test(size)) {
		return rules.presets.includes(size.toUpperCase()) ? undefined : `${rules.name} takes the presets ${rules.presets.join(', ')}`;
	}
	const match = /^(\d+)x(\d+)$/.exec(size);
	if (!match) return `${rules.name} takes a preset (${rules.presets.join(', ')}) or WIDTHxHEIGHT`;
	const [width, height] = [Number(match[1]), Number(match[2])];
	const pixels = width * height;
	if (pixels < rules.minPixels || pixels > rules.maxPixels) {
		return `${rules.name} takes ${rules.minPixels.toLocaleString('en')} to ${rules.maxPixels.toLocaleString('en')} pixels, and ${size} has ${pixels.toLocaleString('en')}`;
	}
	if (Math.max(width, height) / Math.min(width, height) > MAX_RATIO) return `${rules.name} takes an aspect ratio from 1:16 to 16:1`;
	return undefined;
}

export const seedreamOptionsProperty: INodeProperties = {
	displayName: 'Seedream Options',
	name: 'seedreamOptions',
	type: 'collection',
	placeholder: 'Add Seedream Option',
	default: {},
	description: 'Options of Seedream 4.0, 4.5 and 5.0 (doubao-seedream-*); refused for other models',
	options: [
		{
			displayName: 'Max Images',
			name: 'maxImages',
			type: 'number',
			default: 15,
			typeOptions: { minValue: 1, maxValue: 15 },
			description: 'With Sequential Images: the most images the model makes; reference images plus these at most 15 (sequential_image_generation_options.max_images)',
		},
		{
			displayName: REFERENCE_LABEL,
			name: 'referenceImages',
			type: 'string',
			default: '',
			placeholder: 'e.g. product, style',
			description: `Binary fields of the input item with images to generate from, comma-separated, up to ${MAX_REFERENCES}: sent as the image list of data URIs. JPEG, PNG, WEBP or GIF, each up to 10 MB, sides over 14 pixels, aspect 1:16 to 16:1.`,
			hint: 'Binary fields, comma-separated: up to 14 images, JPEG, PNG, WEBP or GIF, each up to 10 MB; the names are on the Binary tab of the previous node’s output (usually data)',
		},
		{
			displayName: 'Sequential Images',
			name: 'sequentialImages',
			type: 'boolean',
			default: false,
			description: 'Whether the model may make a series of related images (sequential_image_generation: auto), up to Max Images',
		},
		{
			displayName: 'Watermark',
			name: 'watermark',
			type: 'boolean',
			default: false,
			description: 'Whether Seedream adds its "AI generated" watermark. Off (default) is sent as watermark: false, since Seedream adds it unless told not to.',
		},
	],
};

/** The Seedream fields of one item's body (references as data URIs), checked before anything is sent; {} for other models without Seedream options. */
export async function readSeedreamFields(this: IExecuteFunctions, itemIndex: number, model: string, size: unknown): Promise<IDataObject> {
	const node = this.getNode();
	const options = this.getNodeParameter('seedreamOptions', itemIndex, {}) as IDataObject;
	const fields = parsePropertyNames(options.referenceImages ?? '');
	const sequential = options.sequentialImages === true;
	if (!isSeedream(model)) {
		if (fields.length > 0 || sequential) {
			throw itemError(node, itemIndex, `Seedream Options are for Seedream models, not ${model}`, 'Remove the Seedream Options, or pick a doubao-seedream-* model.');
		}
		return {};
	}
	if (typeof size === 'string') {
		const problem = seedreamSizeProblem(model, size);
		if (problem) throw itemError(node, itemIndex, `the size ${size} does not suit ${model}: ${problem}`, 'Pick one of its presets in Size (Custom), or a size in its pixel range (e.g. 2560x1440).');
	}
	if (fields.length > MAX_REFERENCES) {
		throw itemError(node, itemIndex, `${REFERENCE_LABEL} lists ${fields.length} images, more than the ${MAX_REFERENCES} Seedream takes`, `List at most ${MAX_REFERENCES} binary fields.`);
	}
	const maxImages = options.maxImages === undefined ? MAX_TOTAL_IMAGES - fields.length : Number(options.maxImages);
	if (sequential && (!Number.isInteger(maxImages) || maxImages < 1 || fields.length + maxImages > MAX_TOTAL_IMAGES)) {
		throw itemError(node, itemIndex, `${fields.length} reference images and Max Images ${String(options.maxImages ?? maxImages)} make more than the ${MAX_TOTAL_IMAGES} images Seedream takes together`, `Lower Max Images to ${Math.max(1, MAX_TOTAL_IMAGES - fields.length)} or fewer, or send fewer reference images.`);
	}
	const images: unknown[] = [];
	for (const field of fields) {
		const image = await readInputBase64.call(this, itemIndex, field, REFERENCE_LABEL, {
			maxBytes: MAX_REFERENCE_BYTES,
			api: 'Seedream',
			accepted: { types: [JPEG, PNG, WEBP, GIF], operation: 'Seedream' },
		});
		const { size: pixels } = image;
		if (pixels) {
			const { width, height } = pixels;
			const problem =
				width <= 14 || height <= 14
					? 'both sides must be over 14 pixels'
					: Math.max(width / height, height / width) > MAX_RATIO
						? 'its aspect ratio must be from 1:16 to 16:1'
						: width * height > MAX_REFERENCE_PIXELS
							? 'it may have at most 36 megapixels (6000×6000)'
							: undefined;
			if (problem) throw itemError(node, itemIndex, `the image in "${field}" (${REFERENCE_LABEL}) is ${width}×${height}: ${problem}`, 'Resize or crop the image first (e.g. with the Edit Image node).');
		}
		// Seedream wants the data URI's format in lowercase (data:image/png;base64,…): the MIME types read from the bytes are.
		images.push(image.dataUri);
	}
	return {
		...(images.length > 0 ? { image: images } : {}),
		...(sequential ? { sequential_image_generation: 'auto', sequential_image_generation_options: { max_images: maxImages } } : {}),
		watermark: options.watermark === true,
	};
}
