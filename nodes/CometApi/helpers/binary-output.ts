import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { detectImageType, imageTypeFromContentType, imageTypeFromName, type ImageType } from './image-type';

/** One image an operation produced: its bytes, or only its URL when downloads are off. */
export interface ImageResult {
	data?: Buffer;
	/** The image already in n8n's binary store (decoded there as the reply arrived), instead of `data`. */
	stored?: IBinaryData;
	url?: string;
	/** Content type the image host declared, used only when the bytes are not recognised. */
	contentType?: string;
	revisedPrompt?: string;
	/** Facts about this image for its JSON (e.g. `thought: true`). */
	details?: IDataObject;
}

export type OutputMode = 'itemPerImage' | 'allInOne';

export interface OutputSettings {
	binaryPropertyName: string;
	mode: OutputMode;
	/** Output format the user asked for (png, jpeg, webp), if any. */
	requestedFormat?: string;
}

function resolveType(image: ImageResult, requestedFormat?: string): ImageType {
	return (
		detectImageType(image.data ?? Buffer.alloc(0)) ??
		imageTypeFromContentType(image.contentType) ??
		imageTypeFromName(requestedFormat) ?? { mimeType: 'application/octet-stream', extension: 'bin' }
	);
}

async function toBinary(
	context: IExecuteFunctions,
	image: ImageResult,
	position: number,
	requestedFormat?: string,
): Promise<IBinaryData> {
	if (image.stored) return { ...image.stored, fileName: `image_${position}.${image.stored.fileExtension ?? 'bin'}` };
	const type = resolveType(image, requestedFormat);
	return await context.helpers.prepareBinaryData(
		image.data as Buffer,
		`image_${position}.${type.extension}`,
		type.mimeType,
	);
}

function hasBytes(image: ImageResult): boolean {
	return image.data !== undefined || image.stored !== undefined;
}

function describeImage(image: ImageResult, binaryProperty?: string): IDataObject {
	return {
		...(binaryProperty ? { binaryProperty } : {}),
		...(image.url ? { url: image.url } : {}),
		...(image.revisedPrompt ? { revised_prompt: image.revisedPrompt } : {}),
		...image.details,
	};
}

/**
 * Turns an operation's images into output items: one item per image (default) or all of them in one
 * item as `data`, `data_1`, `data_2`… Every item is paired with its input item; the JSON never
 * holds image bytes.
 */
export async function toOutputItems(
	this: IExecuteFunctions,
	itemIndex: number,
	images: ImageResult[],
	json: IDataObject,
	settings: OutputSettings,
): Promise<INodeExecutionData[]> {
	const pairedItem = { item: itemIndex };
	const property = settings.binaryPropertyName;
	if (settings.mode === 'allInOne') {
		const binary: Record<string, IBinaryData> = {};
		const described: IDataObject[] = [];
		for (const [index, image] of images.entries()) {
			const name = index === 0 ? property : `${property}_${index}`;
			if (hasBytes(image)) binary[name] = await toBinary(this, image, index + 1, settings.requestedFormat);
			described.push(describeImage(image, hasBytes(image) ? name : undefined));
		}
		const first = images.find((image) => image.revisedPrompt);
		const item: INodeExecutionData = {
			json: {
				...json,
				...(first?.revisedPrompt ? { revised_prompt: first.revisedPrompt } : {}),
				imageCount: images.length,
				images: described,
			},
			pairedItem,
		};
		if (Object.keys(binary).length > 0) item.binary = binary;
		return [item];
	}
	const items: INodeExecutionData[] = [];
	for (const [index, image] of images.entries()) {
		const item: INodeExecutionData = {
			json: {
				...json,
				imageIndex: index + 1,
				imageCount: images.length,
				...describeImage(image),
			},
			pairedItem,
		};
		if (hasBytes(image)) {
			item.binary = { [property]: await toBinary(this, image, index + 1, settings.requestedFormat) };
		}
		items.push(item);
	}
	return items;
}
