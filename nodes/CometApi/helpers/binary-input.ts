import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { detectImageType } from './image-type';

/** The largest input image CometAPI's upstreams take (OpenAI: 50 MB per image). */
export const MAX_INPUT_IMAGE_BYTES = 50 * 1024 * 1024;

/** An input image read from an item's binary property. */
export interface InputImage {
	property: string;
	data: Buffer;
	/** A real image content type: sniffed from the bytes, or the binary's own image/* type. */
	mimeType: string;
	fileName: string;
}

/** Splits "data, photo ,mask" into ["data", "photo", "mask"]. */
export function parsePropertyNames(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
}

function inputError(
	context: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), `Item ${itemIndex}: ${message}`, { itemIndex, description });
}

export function imageTooLarge(
	context: IExecuteFunctions,
	itemIndex: number,
	property: string,
	bytes: number,
): NodeOperationError {
	return inputError(
		context,
		itemIndex,
		`the file in "${property}" is ${(bytes / 1024 / 1024).toFixed(1)} MB, more than the 50 MB an input image may have`,
		'Resize or compress the image first (e.g. with the Edit Image node).',
	);
}

/**
 * The metadata of an item's binary property, checked before its bytes are read: present (else the
 * error lists the properties the item has) and not declared larger than 50 MB.
 */
export function inputBinaryMeta(
	this: IExecuteFunctions,
	itemIndex: number,
	property: string,
	fieldLabel: string,
): IBinaryData {
	const binaries = this.getInputData()[itemIndex]?.binary ?? {};
	const meta = binaries[property];
	if (!meta) {
		const present = Object.keys(binaries);
		throw inputError(
			this,
			itemIndex,
			`the input item has no binary property "${property}" (${fieldLabel})`,
			present.length > 0
				? `The item's binary properties are: ${present.join(', ')}. Set ${fieldLabel} to one of them.`
				: `The item has no binary data at all. Connect a node that outputs a file (e.g. Read/Write Files from Disk, HTTP Request, a Form Trigger) or fix ${fieldLabel}.`,
		);
	}
	if (typeof meta.bytes === 'number' && meta.bytes > MAX_INPUT_IMAGE_BYTES) {
		throw imageTooLarge(this, itemIndex, property, meta.bytes);
	}
	return meta;
}

/**
 * Checks the bytes of an input image: not empty, not over 50 MB, and an image. `head` holds at least
 * the file's first bytes. Returns a real image content type and a file name for the upload.
 */
export function checkImageBytes(
	this: IExecuteFunctions,
	itemIndex: number,
	property: string,
	meta: IBinaryData,
	byteLength: number,
	head: Buffer,
): { mimeType: string; fileName: string } {
	if (byteLength === 0) {
		throw inputError(this, itemIndex, `the file in "${property}" is empty`, 'Check the node that produced the file.');
	}
	if (byteLength > MAX_INPUT_IMAGE_BYTES) throw imageTooLarge(this, itemIndex, property, byteLength);

	const sniffed = detectImageType(head);
	const declared = (meta.mimeType ?? '').toLowerCase();
	const mimeType = sniffed?.mimeType ?? (declared.startsWith('image/') ? declared : undefined);
	if (!mimeType) {
		throw inputError(
			this,
			itemIndex,
			`the file in "${property}" is not an image (${meta.fileName ?? 'no file name'}, ${meta.mimeType || 'no MIME type'})`,
			'Send a PNG, JPEG, WEBP or GIF image.',
		);
	}
	const extension = sniffed?.extension ?? mimeType.replace(/^image\//, '').replace(/[^a-z0-9]/g, '');
	const fileName = meta.fileName?.trim() || `${property}.${extension}`;
	return { mimeType, fileName };
}

/**
 * Reads one input image through n8n's binary helpers (so every binary data mode works), once, and
 * checks it before anything is sent: present, not empty, not over 50 MB, and an image.
 */
export async function readInputImage(
	this: IExecuteFunctions,
	itemIndex: number,
	property: string,
	fieldLabel: string,
): Promise<InputImage> {
	const meta = inputBinaryMeta.call(this, itemIndex, property, fieldLabel);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	const { mimeType, fileName } = checkImageBytes.call(this, itemIndex, property, meta, data.length, data);
	return { property, data, mimeType, fileName };
}
