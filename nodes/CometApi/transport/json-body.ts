import { randomBytes } from 'node:crypto';

import { readWhole } from './http';

/*
 * JSON bodies that carry input images as base64 text (Midjourney's data URIs, Flux's and Kling's
 * bare base64…), sent without ever holding that text: each image stays a Blob (a stored file is
 * not even read: StoredFile), and the body is written as it is sent — the JSON around the images,
 * then each image encoded piece by piece. A retried request writes it again. The HTTP client sends
 * a Blob body as a stream with its size as Content-Length.
 */

/** A file written into a JSON body as base64 text, after `prefix` (a data URI's head, or nothing). */
export class Base64Value {
	constructor(
		readonly file: Blob,
		readonly prefix = '',
	) {}

	/** The value's length in the body, quotes aside. */
	get textLength(): number {
		return Buffer.byteLength(this.prefix) + 4 * Math.ceil(this.file.size / 3);
	}
}

/** Whether a body holds a Base64Value anywhere (then it is sent as a JsonBody). */
export function holdsBase64(value: unknown): boolean {
	if (value instanceof Base64Value) return true;
	if (Array.isArray(value)) return value.some(holdsBase64);
	if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
		return Object.values(value).some(holdsBase64);
	}
	return false;
}

/**
 * How many bytes of a file are encoded at a time: a multiple of 3, so pieces join without padding.
 * Small, because n8n's HTTP client reads a Blob body through a stream that keeps 16 pieces ready
 * while the socket is busy: 16 KB of text a piece keeps that to 256 KB per request in flight.
 */
const PIECE_BYTES = 3 * 4 * 1024;

/** A file's base64 text, piece by piece; the bytes a piece leaves over (fewer than 3) go with the next. */
async function* base64Of(value: Base64Value): AsyncGenerator<Uint8Array> {
	if (value.prefix) yield Buffer.from(value.prefix);
	let carry = Buffer.alloc(0);
	let bytes = 0;
	for await (const chunk of value.file.stream()) {
		bytes += chunk.length;
		let data = carry.length > 0 ? Buffer.concat([carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		while (data.length >= PIECE_BYTES) {
			yield Buffer.from(data.subarray(0, PIECE_BYTES).toString('base64'));
			data = data.subarray(PIECE_BYTES);
		}
		const whole = data.length - (data.length % 3);
		if (whole > 0) yield Buffer.from(data.subarray(0, whole).toString('base64'));
		carry = Buffer.from(data.subarray(whole));
	}
	if (carry.length > 0) yield Buffer.from(carry.toString('base64'));
	if (bytes !== value.file.size) throw new Error(`An input image changed size while it was sent (${bytes} bytes, not ${value.file.size})`);
}

/** A JSON body whose Base64Values are written as they are sent (see the top of this file). */
export class JsonBody extends Blob {
	/** The JSON text around the images, and the images, in order. */
	private readonly pieces: Array<string | Base64Value>;

	constructor(value: unknown) {
		super([], { type: 'application/json' });
		const values: Base64Value[] = [];
		const token = `\u0000b64-${randomBytes(6).toString('hex')}-`;
		const text = JSON.stringify(value, (_key, entry: unknown) => {
			if (!(entry instanceof Base64Value)) return entry;
			values.push(entry);
			return `${token}${values.length - 1}`;
		});
		// JSON.stringify writes the token's NUL as \u0000: each value is the quoted token and its index
		const marker = new RegExp(`${JSON.stringify(token).slice(1, -1).replace(/\\/g, '\\\\')}(\\d+)`, 'g');
		this.pieces = [];
		let last = 0;
		for (const match of text.matchAll(marker)) {
			this.pieces.push(text.slice(last, match.index), values[Number(match[1])]);
			last = (match.index ?? 0) + match[0].length;
		}
		this.pieces.push(text.slice(last));
		const size = this.pieces.reduce((sum, piece) => sum + (typeof piece === 'string' ? Buffer.byteLength(piece) : piece.textLength), 0);
		// Enumerable, as n8n's HTTP helper sends only a body with an own enumerable property.
		Object.defineProperty(this, 'size', { value: size, enumerable: true });
	}

	override stream(): ReadableStream<Uint8Array> {
		const pieces = this.pieces;
		return ReadableStream.from(
			(async function* () {
				for (const piece of pieces) {
					if (typeof piece === 'string') {
						if (piece) yield Buffer.from(piece);
					} else yield* base64Of(piece);
				}
			})(),
		);
	}

	override async arrayBuffer(): Promise<ArrayBuffer> {
		return await readWhole(this);
	}

	override async text(): Promise<string> {
		return Buffer.from(await this.arrayBuffer()).toString('utf8');
	}

	override slice(): Blob {
		throw new Error('A JSON body is read whole, with stream()');
	}
}
