import type { IBinaryData, IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import { Base64Value } from '../transport';

import { readImageSize, type ImageSize } from './image-size';
import { detectImageType, imageTypeNames, type ImageType } from './image-type';
import { itemError } from './item-error';
import { StoredFile } from './stored-file';
import { HEAD_BYTES, inspectStored, openStored, streamToBlob, type SizeLimit } from './stored-input';

/*
 * Input images, read through n8n's binary helpers (so every binary data mode works) and checked
 * before anything is sent. One reader for every operation: a File goes into a multipart upload, or
 * its bytes become a base64 data URL.
 *
 * Memory:
 * - Edit Image's uploads from the binary store (filesystem / S3 / database mode: the binary has an
 *   id) are not held at all (`fromStore`): for the checks only each file's first bytes are read
 *   (its length is the one the store recorded; a store that records none has the file read through
 *   once), and it is sent as a StoredFile, streamed from the store while the request is written
 *   (and read again for a retry).
 * - Otherwise a stored file is read with getBinaryStream in chunks (stored-input.ts); each chunk is copied into a
 *   small Blob and dropped, and the small Blobs are joined with `new Blob(parts)`, which references
 *   them without copying: the whole file never exists as a Buffer (`new Blob([buffer])` copies).
 * - in-memory binary mode: the bytes already sit in the item as base64, so getBinaryDataBuffer is the
 *   only way to them; the decoded Buffer is copied into a Blob once and not kept.
 * Wrapping a Blob in a File references it without copying. Blobs can be read again, so a retried
 * request re-sends the same form.
 */

/** The largest input image CometAPI's upstreams take (OpenAI: 50 MB per image). */
export const MAX_INPUT_IMAGE_BYTES = 50 * 1024 * 1024;

function imageTooLarge(
	context: IExecuteFunctions,
	itemIndex: number,
	property: string,
	bytes: number,
): NodeOperationError {
	return itemError(
		context.getNode(),
		itemIndex,
		`the file in "${property}" is ${(bytes / 1024 / 1024).toFixed(1)} MB, more than the 50 MB an input image may have`,
		'Resize or compress the image first (e.g. with the Edit Image node).',
	);
}

/**
 * The metadata of an item's binary property, checked before its bytes are read: present (else the
 * error lists the properties the item has) and not declared larger than 50 MB.
 */
function inputBinaryMeta(
	this: IExecuteFunctions,
	itemIndex: number,
	property: string,
	fieldLabel: string,
): IBinaryData {
	const binaries = this.getInputData()[itemIndex]?.binary ?? {};
	const meta = binaries[property];
	if (!meta) {
		const present = Object.keys(binaries);
		throw itemError(
			this.getNode(),
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

/** The image formats an operation takes, when it takes fewer than every image. */
export interface AcceptedImages {
	types: readonly ImageType[];
	/** The operation's name, for the message. */
	operation: string;
}

/**
 * Checks the bytes of an input image: not empty, not over 50 MB, an image, and of an accepted type
 * when the operation names them. `head` holds at least the file's first bytes. Returns a real image
 * content type and a file name for the upload.
 */
function checkImageBytes(
	this: IExecuteFunctions,
	itemIndex: number,
	property: string,
	meta: IBinaryData,
	byteLength: number,
	head: Buffer,
	accepted?: AcceptedImages,
): { mimeType: string; fileName: string } {
	if (byteLength === 0) {
		throw itemError(this.getNode(), itemIndex, `the file in "${property}" is empty`, 'Check the node that produced the file.');
	}
	if (byteLength > MAX_INPUT_IMAGE_BYTES) throw imageTooLarge(this, itemIndex, property, byteLength);

	const sniffed = detectImageType(head);
	const declared = (meta.mimeType ?? '').toLowerCase();
	const mimeType = sniffed?.mimeType ?? (declared.startsWith('image/') ? declared : undefined);
	const names = accepted ? imageTypeNames(accepted.types) : 'PNG, JPEG, WEBP or GIF';
	if (!mimeType) {
		throw itemError(
			this.getNode(),
			itemIndex,
			`the file in "${property}" is not an image (${meta.fileName ?? 'no file name'}, ${meta.mimeType || 'no MIME type'})`,
			`Send a ${names} image.`,
		);
	}
	if (accepted && !accepted.types.some((type) => type.mimeType === mimeType)) {
		throw itemError(
			this.getNode(),
			itemIndex,
			`the image in "${property}" is ${mimeType}, which ${accepted.operation} does not take: it takes ${names} only`,
			`CometAPI refuses other formats here. Convert the image to ${names} first (e.g. with the Edit Image node's Format option).`,
		);
	}
	const extension = sniffed?.extension ?? mimeType.replace(/^image\//, '').replace(/[^a-z0-9]/g, '');
	const fileName = meta.fileName?.trim() || `${property}.${extension}`;
	return { mimeType, fileName };
}

/** An input image ready for a multipart upload. */
export interface InputBlob {
	property: string;
	/** The file, named and typed with its real image content type, for a multipart upload as it is. */
	blob: File;
	mimeType: string;
	fileName: string;
	/** Pixel size read from the headers, when it could be read. */
	size?: ImageSize;
}

/**
 * Reads one input image through n8n's binary helpers and checks it before anything is sent:
 * present, not empty, not over 50 MB, an image, and one of `accepted` (when given).
 * With `fromStore`, a file of the binary store is not held: only its first bytes are read for the
 * checks, and it is given as a StoredFile, which reads it from the store each time it is sent.
 */
export async function readInputBlob(
	this: IExecuteFunctions,
	itemIndex: number,
	property: string,
	fieldLabel: string,
	accepted?: AcceptedImages,
	options: { fromStore?: boolean } = {},
): Promise<InputBlob> {
	const meta = inputBinaryMeta.call(this, itemIndex, property, fieldLabel);
	const id = meta.id;
	const limit: SizeLimit = { maxBytes: MAX_INPUT_IMAGE_BYTES, tooLarge: (bytes) => imageTooLarge(this, itemIndex, property, bytes) };
	if (id && options.fromStore) {
		const { head, byteLength } = await inspectStored(this, id, limit);
		const { mimeType, fileName } = checkImageBytes.call(this, itemIndex, property, meta, byteLength, head, accepted);
		const open = async () => await openStored(this, id);
		return { property, blob: new StoredFile(open, byteLength, fileName, mimeType), mimeType, fileName, size: readImageSize(head) };
	}
	const raw = id
		? await streamToBlob(this, id, limit)
		: new Blob([await this.helpers.getBinaryDataBuffer(itemIndex, property)]);
	const head = Buffer.from(await raw.slice(0, HEAD_BYTES).arrayBuffer());
	const { mimeType, fileName } = checkImageBytes.call(this, itemIndex, property, meta, raw.size, head, accepted);
	return {
		property,
		blob: new File([raw], fileName, { type: mimeType }),
		mimeType,
		fileName,
		size: readImageSize(head),
	};
}

/** An input image as base64 text, for APIs that take images inside a JSON body. */
export interface InputBase64 {
	property: string;
	mimeType: string;
	/** The bytes as base64, without a `data:` prefix (written when the request is sent: transport/json-body.ts). */
	base64: Base64Value;
	/** The same as a data URI (`data:image/png;base64,…`). */
	dataUri: Base64Value;
	/** Pixel size read from the headers, when it could be read. */
	size?: ImageSize;
}

/**
 * Reads one input image (see readInputBlob) for a JSON body, refused before anything is sent when
 * it is larger than `maxBytes` (an API's own limit, below the 50 MB every input has). Its base64
 * text is never built here: the image goes into the body as a Base64Value, written piece by piece
 * as the request is sent, and a file of the binary store is not read before then.
 */
export async function readInputBase64(
	this: IExecuteFunctions,
	itemIndex: number,
	property: string,
	fieldLabel: string,
	limit?: { maxBytes: number; api: string; accepted?: AcceptedImages },
): Promise<InputBase64> {
	const image = await readInputBlob.call(this, itemIndex, property, fieldLabel, limit?.accepted, { fromStore: true });
	if (limit && image.blob.size > limit.maxBytes) {
		const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
		throw itemError(
			this.getNode(),
			itemIndex,
			`the file in "${property}" (${fieldLabel}) is ${megabytes(image.blob.size)}, more than the ${megabytes(limit.maxBytes)} ${limit.api} takes`,
			'Resize or compress the image first (e.g. with the Edit Image node).',
		);
	}
	return {
		property,
		mimeType: image.mimeType,
		base64: new Base64Value(image.blob),
		dataUri: new Base64Value(image.blob, `data:${image.mimeType};base64,`),
		...(image.size ? { size: image.size } : {}),
	};
}
