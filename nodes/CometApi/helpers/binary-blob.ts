import type { IExecuteFunctions } from 'n8n-workflow';

import { checkImageBytes, imageTooLarge, inputBinaryMeta, MAX_INPUT_IMAGE_BYTES } from './binary-input';
import { readImageSize, type ImageSize } from './image-size';

/*
 * Input images for multipart uploads, as Blobs for the platform FormData.
 *
 * Memory: `new Blob([buffer])` COPIES the bytes (Node moves them into storage the Blob owns), and
 * FormData only takes Blobs, so a file read as one Buffer would briefly exist twice. To keep each
 * input in memory once:
 * - filesystem / S3 / database binary mode (the binary has an id): the file is read with
 *   getBinaryStream in chunks; each chunk is copied into a small Blob and dropped, and the small
 *   Blobs are joined with `new Blob(parts)`, which references them without copying. The whole file
 *   never exists as a Buffer.
 * - in-memory binary mode: the bytes already sit in the item as base64, so getBinaryDataBuffer is the
 *   only way to them; the decoded Buffer is copied into a Blob once and not kept, so only the Blob
 *   stays alive until the request is sent.
 * Wrapping a Blob in another Blob (to set its type, or by FormData to set a file name) references
 * it without copying. Blobs can be read again, so a retried request re-sends the same form.
 */

const CHUNK_BYTES = 256 * 1024;
/**
 * How much of a file's start is read to find its type and pixel size. PNG, WEBP and GIF keep both
 * in their first 30 bytes; a JPEG frame header may follow large metadata segments (EXIF, ICC).
 */
const HEAD_BYTES = 1024 * 1024;

/** An input image ready for a multipart upload. */
export interface InputBlob {
	property: string;
	/** The file's bytes, typed with its real image content type. */
	blob: Blob;
	mimeType: string;
	fileName: string;
	/** Pixel size read from the headers, when it could be read. */
	size?: ImageSize;
}

type ChunkStream = AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void };

async function streamToBlob(
	context: IExecuteFunctions,
	itemIndex: number,
	property: string,
	binaryDataId: string,
): Promise<Blob> {
	const stream = (await context.helpers.getBinaryStream(binaryDataId, CHUNK_BYTES)) as unknown as ChunkStream;
	const parts: Blob[] = [];
	let bytes = 0;
	for await (const chunk of stream) {
		bytes += chunk.length;
		if (bytes > MAX_INPUT_IMAGE_BYTES) {
			stream.destroy?.();
			throw imageTooLarge(context, itemIndex, property, bytes);
		}
		parts.push(new Blob([chunk]));
	}
	return new Blob(parts);
}

/**
 * Reads one input image through n8n's binary helpers, once, into a Blob, and checks it before
 * anything is sent: present, not empty, not over 50 MB, and an image.
 */
export async function readInputBlob(
	this: IExecuteFunctions,
	itemIndex: number,
	property: string,
	fieldLabel: string,
): Promise<InputBlob> {
	const meta = inputBinaryMeta.call(this, itemIndex, property, fieldLabel);
	const raw = meta.id
		? await streamToBlob(this, itemIndex, property, meta.id)
		: new Blob([await this.helpers.getBinaryDataBuffer(itemIndex, property)]);
	const head = Buffer.from(await raw.slice(0, HEAD_BYTES).arrayBuffer());
	const { mimeType, fileName } = checkImageBytes.call(this, itemIndex, property, meta, raw.size, head);
	return {
		property,
		blob: new Blob([raw], { type: mimeType }),
		mimeType,
		fileName,
		size: readImageSize(head),
	};
}
