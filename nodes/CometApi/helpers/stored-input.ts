import type { IExecuteFunctions } from 'n8n-workflow';

import { readImageSize } from './image-size';
import type { ChunkStream } from './stored-file';

/*
 * Reading an input file from n8n's binary store (filesystem, S3, database mode) without holding it:
 * its first bytes and length for the checks, or its chunks joined as small Blobs.
 */

/** The pieces a stored file is read in: the HTTP client keeps 16 of them ready per upload in flight. */
const CHUNK_BYTES = 64 * 1024;
/**
 * How much of a file's start is read to find its type and pixel size. PNG, WEBP and GIF keep both
 * in their first 30 bytes; a JPEG frame header may follow large metadata segments (EXIF, ICC).
 */
export const HEAD_BYTES = 1024 * 1024;
/** The pieces a stored file's head is read in: one holds a PNG's, WEBP's or GIF's size, and most JPEGs'. */
const HEAD_CHUNK_BYTES = 64 * 1024;

/** How large a file may be, and the error for one that is larger. */
export interface SizeLimit {
	maxBytes: number;
	tooLarge: (bytes: number) => Error;
}

/** A stored file's first bytes (up to HEAD_BYTES) and its length. */
export interface StoredHead {
	head: Buffer;
	byteLength: number;
}

/** The stored file's chunks, read from the store now. */
export async function openStored(context: IExecuteFunctions, binaryDataId: string): Promise<ChunkStream> {
	return (await context.helpers.getBinaryStream(binaryDataId, CHUNK_BYTES)) as unknown as ChunkStream;
}

/**
 * A stored file as a Blob built from its chunks (each copied into a small Blob and dropped): the
 * whole file never exists as one Buffer. More than maxBytes: the error tooLarge makes.
 */
export async function streamToBlob(context: IExecuteFunctions, binaryDataId: string, limit: SizeLimit): Promise<Blob> {
	const stream = await openStored(context, binaryDataId);
	const parts: Blob[] = [];
	let bytes = 0;
	for await (const chunk of stream) {
		bytes += chunk.length;
		if (bytes > limit.maxBytes) {
			stream.destroy?.();
			throw limit.tooLarge(bytes);
		}
		parts.push(new Blob([chunk]));
	}
	return new Blob(parts);
}

/** Reads a stored file through once, keeping only its first bytes: its head and its length. */
async function scanStored(context: IExecuteFunctions, binaryDataId: string, limit: SizeLimit): Promise<StoredHead> {
	const stream = await openStored(context, binaryDataId);
	const head: Uint8Array[] = [];
	let headBytes = 0;
	let byteLength = 0;
	for await (const chunk of stream) {
		byteLength += chunk.length;
		if (byteLength > limit.maxBytes) {
			stream.destroy?.();
			throw limit.tooLarge(byteLength);
		}
		if (headBytes < HEAD_BYTES) {
			head.push(chunk);
			headBytes += chunk.length;
		}
	}
	return { head: Buffer.concat(head).subarray(0, HEAD_BYTES), byteLength };
}

/** The size the binary store recorded for a file when it stored it, if it says. */
async function storedSize(context: IExecuteFunctions, binaryDataId: string): Promise<number | undefined> {
	try {
		const { fileSize } = await context.helpers.getBinaryMetadata(binaryDataId);
		return Number.isSafeInteger(fileSize) && fileSize > 0 ? fileSize : undefined;
	} catch {
		return undefined;
	}
}

/**
 * A stored file's first bytes, read until its pixel size is known (PNG, WEBP and GIF: the first
 * chunk; a JPEG: its frame header) or HEAD_BYTES are read; the rest is not read.
 */
async function readStoredHead(context: IExecuteFunctions, binaryDataId: string): Promise<Buffer> {
	const stream = (await context.helpers.getBinaryStream(binaryDataId, HEAD_CHUNK_BYTES)) as unknown as ChunkStream;
	const chunks: Uint8Array[] = [];
	let bytes = 0;
	try {
		for await (const chunk of stream) {
			chunks.push(chunk);
			bytes += chunk.length;
			if (bytes >= HEAD_BYTES || readImageSize(Buffer.concat(chunks))) break;
		}
	} finally {
		stream.destroy?.();
	}
	return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
}

/**
 * A stored file's head and length without reading it whole: the length the store recorded (n8n's
 * stores record it when they store a file), else a read through the file.
 */
export async function inspectStored(context: IExecuteFunctions, binaryDataId: string, limit: SizeLimit): Promise<StoredHead> {
	const byteLength = await storedSize(context, binaryDataId);
	if (byteLength === undefined) return await scanStored(context, binaryDataId, limit);
	if (byteLength > limit.maxBytes) throw limit.tooLarge(byteLength);
	return { head: await readStoredHead(context, binaryDataId), byteLength };
}
