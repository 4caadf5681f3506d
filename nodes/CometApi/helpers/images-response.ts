import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { downloadImage, type DownloadOptions, type StringDiversion } from '../transport';
import { DecodedBase64, decodeBase64, splitDataUri } from './base64';
import type { ImageResult } from './binary-output';
import { detectImageType } from './image-type';
import { hasApiError, replyError } from './reply-error';
import { StoredBase64, storingDiversion } from './stored-base64';

export interface CollectOptions extends DownloadOptions {
	downloadUrls: boolean;
	/** Filled with the images of a batch the provider could not make (`data[i].error`, Seedream): {imageIndex, code, message}. */
	failures?: IDataObject[];
}

/**
 * How an images reply is read (apiDivertingRequest): each `b64_json` is decoded into the binary
 * store as it arrives, so neither the reply's base64 text nor its images are held whole;
 * collectImages takes what came of it. `requestedFormat`: the Output Format asked for.
 */
export function imagesReplyDiversion(context: IExecuteFunctions, requestedFormat?: string): StringDiversion {
	return storingDiversion(context, ['b64_json'], requestedFormat);
}

/**
 * Reads the images of an `/images/generations` or `/images/edits` reply: `b64_json` is decoded,
 * `url` is downloaded (without credentials) unless the user keeps URLs only.
 */
export async function collectImages(
	this: IExecuteFunctions,
	response: IDataObject,
	options: CollectOptions,
): Promise<ImageResult[]> {
	const { itemIndex } = options;
	const entries = response.data;
	if (!Array.isArray(entries) || entries.length === 0) {
		// A 200 whose body is CometAPI's error envelope: its own message and code.
		if (hasApiError(response)) throw replyError(this.getNode(), response, itemIndex);
		throw new NodeOperationError(this.getNode(), 'CometAPI’s reply holds no images (no "data" list)', {
			itemIndex,
			description: `The reply had the fields: ${Object.keys(response).join(', ') || 'none'}. Try again, or check that the model makes images.`,
		});
	}
	const images: ImageResult[] = [];
	for (const [index, entry] of entries.entries()) {
		const record = (entry && typeof entry === 'object' ? entry : {}) as IDataObject;
		const revisedPrompt =
			typeof record.revised_prompt === 'string' && record.revised_prompt ? record.revised_prompt : undefined;
		if (record.b64_json instanceof StoredBase64) {
			images.push({ stored: await storedResultImage.call(this, record.b64_json, index, itemIndex), revisedPrompt });
		} else if (record.b64_json instanceof DecodedBase64 || (typeof record.b64_json === 'string' && record.b64_json !== '')) {
			const image = decodeResultImage.call(this, record.b64_json, index, { itemIndex, reply: 'CometAPI’s reply' });
			images.push({ ...image, revisedPrompt });
		} else if (options.failures && record.error && typeof record.error === 'object') {
			// One image of a batch failed (Seedream: after a moderation failure the batch goes on): the others are kept.
			const error = record.error as IDataObject;
			options.failures.push({ imageIndex: index + 1, code: error.code ?? null, message: typeof error.message === 'string' ? error.message : 'failed' });
		} else if (typeof record.url === 'string' && record.url !== '') {
			if (!options.downloadUrls) {
				images.push({ url: record.url, revisedPrompt });
				continue;
			}
			const image = await downloadResultImage.call(this, record.url, index, options);
			images.push({ ...image, revisedPrompt });
		} else {
			throw new NodeOperationError(
				this.getNode(),
				`Image ${index + 1} in CometAPI’s reply has neither "b64_json" nor "url"`,
				{ itemIndex, description: `The entry had the fields: ${Object.keys(record).join(', ') || 'none'}.` },
			);
		}
	}
	if (images.length === 0 && options.failures && options.failures.length > 0) {
		const [first] = options.failures;
		const error = new NodeOperationError(this.getNode(), `No image could be made: ${String(first.message)}`, {
			itemIndex,
			description: `Every image of the reply failed (${options.failures.map((failure) => `image ${String(failure.imageIndex)}: ${String(failure.code ?? '')} ${String(failure.message)}`.trim()).join('; ')}). Change the prompt or the reference images.`,
		});
		error.context.apiErrorCode = typeof first.code === 'string' ? first.code : null;
		throw error;
	}
	return images;
}

/**
 * Image `index` (0-based) of a reply: base64 text decoded here, with or without a
 * `data:image/…;base64,` prefix, or what a Base64Decoder made of it as the reply arrived. Invalid
 * base64 is an error naming the image, not a broken file.
 */
export function decodeResultImage(
	this: IExecuteFunctions,
	text: string | DecodedBase64,
	index: number,
	options: { itemIndex: number; reply: string },
): ImageResult {
	const { data, mimeType } = text instanceof DecodedBase64 ? text : decodeText(text);
	if (!data) {
		throw new NodeOperationError(this.getNode(), `Image ${index + 1} in ${options.reply} is not valid base64`, {
			itemIndex: options.itemIndex,
			description: 'The reply was damaged on the way; run the node again.',
		});
	}
	return { data, contentType: mimeType };
}

/** Image `index` (0-based) of a reply, as it was stored while the reply arrived; invalid base64 is an error naming it. */
async function storedResultImage(this: IExecuteFunctions, image: StoredBase64, index: number, itemIndex: number): Promise<IBinaryData> {
	if (!image.binary) {
		throw new NodeOperationError(this.getNode(), `Image ${index + 1} in CometAPI’s reply is not valid base64`, {
			itemIndex,
			description: 'The reply was damaged on the way; run the node again.',
		});
	}
	return await image.binary;
}

function decodeText(text: string): { data: Buffer | undefined; mimeType?: string } {
	const { base64, mimeType } = splitDataUri(text);
	return { data: decodeBase64(base64), mimeType };
}

/**
 * Downloads image `index` (0-based) of a reply from its URL, without credentials (see
 * downloadImage), and checks that what came is an image.
 */
export async function downloadResultImage(
	this: IExecuteFunctions,
	url: string,
	index: number,
	options: DownloadOptions,
): Promise<ImageResult> {
	const download = await downloadImage.call(this, url, options);
	if (!detectImageType(download.data) && !/^image\//i.test(download.contentType ?? '')) {
		throw new NodeOperationError(
			this.getNode(),
			`The file downloaded for image ${index + 1} is not an image (${download.contentType ?? 'no content type'})`,
			{ itemIndex: options.itemIndex, description: 'The image URL may have expired; run the node again.' },
		);
	}
	return { data: download.data, contentType: download.contentType, url };
}
