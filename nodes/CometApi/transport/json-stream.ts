import { randomBytes } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { headerValue, type ByteStream } from './http';
import { parseJsonBody } from './json';
import { DEFAULT_TIMEOUT_SECONDS, type ApiRequest, type Context, type RequestRun } from './request';
import { send } from './send';
import { streamReadError } from './stream';

/*
 * A JSON reply read as it arrives, for replies that carry images as base64 strings (megabytes
 * each): the strings under chosen keys are handed, piece by piece, to a sink (a base64 decoder) and
 * never held as text; the rest of the reply, small, is parsed as usual. The images API's
 * `b64_json` fields are what this is for: a reply of four 4 MB images is 21 MB of JSON text.
 */

/**
 * Takes one string value's content as it arrives (escapes resolved); end() gives what replaces it.
 * An empty string is never diverted: it stays an empty string.
 */
export interface StringSink {
	write(text: string): void;
	end(): unknown;
}

/** Which string values go to sinks: those of an object's `keys` (at any depth). */
export interface StringDiversion {
	keys: ReadonlySet<string>;
	/** `remainingBytes`: what is left of the reply after the string's opening quote, when its length is known (the most the string can take). */
	open(key: string, remainingBytes?: number): StringSink;
	/**
	 * What to wait for before the next diverted string is opened, if anything (the last sink's
	 * result still being stored): the reader stops at that string until it settles.
	 */
	ready?(): Promise<void> | undefined;
}

/** The most the rest of a reply (all but the diverted strings) may hold. */
const MAX_SKELETON_BYTES = 256 * 1024 * 1024;

/** Longer keys are never diverted, so no more of a key than this is kept while it is read. */
const MAX_KEY_BYTES = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function isJsonSpace(byte: number): boolean {
	return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * Scans JSON text chunk by chunk. Outside the diverted strings it only follows strings (to know
 * a key, and a string that follows `key:`) and copies the bytes to the skeleton; a diverted string
 * is replaced in the skeleton by a marker string that names its sink's result.
 */
export class DivertingJsonReader {
	/** What the diverted strings became, in the order they came; the marker names the index. */
	readonly values: unknown[] = [];

	/** Starts every marker: random, so no string of the reply can pass for one. */
	readonly marker = `\u0000${randomBytes(8).toString('hex')}:`;

	private readonly skeleton: Buffer[] = [];

	private skeletonBytes = 0;

	private inString = false;

	private escaped = false;

	/** The string being read outside diversion, while it is short enough to be a key. */
	private key: number[] | undefined = [];

	/** The last string read, when short: a key if a colon follows. */
	private lastString: string | undefined;

	/** The key whose value comes next (a colon was read after it). */
	private valueOf: string | undefined;

	private sink: StringSink | undefined;

	/** Whether the diverted string being read has had any content. */
	private divertedAny = false;

	/** An escape of a diverted string cut by a chunk's end (a backslash and what came of it). */
	private pendingEscape = '';

	/** The bytes of the reply read before the current chunk. */
	private readBefore = 0;

	constructor(
		private readonly diversion: StringDiversion,
		/** The reply's length, when it declared one. */
		private readonly totalBytes?: number,
	) {}

	/**
	 * Reads a chunk. When the diversion asks to be waited for before a diverted string (see
	 * StringDiversion.ready), reading stops there and goes on once it settles: the promise returned
	 * is the rest of the chunk read.
	 */
	write(chunk: Buffer): Promise<void> | undefined {
		let from = 0;
		let index = 0;
		const readBefore = this.readBefore;
		this.readBefore += chunk.length;
		while (index < chunk.length) {
			if (this.sink) {
				index = this.readDiverted(chunk, index);
				from = index;
				continue;
			}
			const byte = chunk[index];
			if (this.inString) {
				if (this.escaped) this.escaped = false;
				else if (byte === BACKSLASH) this.escaped = true;
				else if (byte === QUOTE) {
					this.inString = false;
					this.lastString = this.key ? Buffer.from(this.key).toString('utf8') : undefined;
				}
				if (this.inString && this.key) {
					if (this.key.length < MAX_KEY_BYTES) this.key.push(byte);
					else this.key = undefined;
				}
			} else if (byte === QUOTE) {
				const key = this.valueOf;
				this.valueOf = undefined;
				if (key !== undefined && this.diversion.keys.has(key)) {
					this.keep(chunk.subarray(from, index));
					const wait = this.diversion.ready?.();
					if (wait) {
						// Read again from this quote (its key kept) once the diversion is ready.
						this.valueOf = key;
						this.readBefore = readBefore + index;
						return wait.then(() => this.write(chunk.subarray(index)));
					}
					const remaining = this.totalBytes === undefined ? undefined : this.totalBytes - (readBefore + index + 1);
					this.sink = this.diversion.open(key, remaining);
					this.divertedAny = false;
					from = index + 1;
				} else {
					this.inString = true;
					this.key = [];
				}
			} else if (byte === COLON) {
				this.valueOf = this.lastString;
			} else if (!isJsonSpace(byte)) {
				this.valueOf = undefined;
				this.lastString = undefined;
			}
			index++;
		}
		if (!this.sink) this.keep(chunk.subarray(from));
		return undefined;
	}

	/** The skeleton: the reply with each diverted string replaced by its marker. */
	text(): string {
		return Buffer.concat(this.skeleton).toString('utf8');
	}

	/** Puts each diverted string's result where its marker is in the parsed skeleton. */
	restore(value: unknown): unknown {
		if (typeof value === 'string') {
			return value.startsWith(this.marker) ? this.values[Number(value.slice(this.marker.length))] : value;
		}
		if (Array.isArray(value)) return value.map((entry) => this.restore(entry));
		if (value && typeof value === 'object') {
			const record = value as Record<string, unknown>;
			for (const key of Object.keys(record)) record[key] = this.restore(record[key]);
		}
		return value;
	}

	/** Reads a diverted string from `index` on; returns where the reader goes on. */
	private readDiverted(chunk: Buffer, index: number): number {
		const sink = this.sink!;
		let at = index;
		if (this.pendingEscape !== '') {
			while (at < chunk.length && !this.escapeComplete()) this.pendingEscape += String.fromCharCode(chunk[at++]);
			if (!this.escapeComplete()) return at;
			this.divert(this.unescape(this.pendingEscape));
			this.pendingEscape = '';
		}
		const quote = chunk.indexOf(QUOTE, at);
		let backslash = chunk.indexOf(BACKSLASH, at);
		for (;;) {
			const end = quote < 0 ? chunk.length : quote;
			if (backslash < 0 || backslash > end) {
				if (end > at) this.divert(chunk.toString('latin1', at, end));
				if (quote < 0) return chunk.length;
				const result = sink.end();
				this.values.push(this.divertedAny ? result : '');
				this.sink = undefined;
				this.keep(Buffer.from(JSON.stringify(`${this.marker}${this.values.length - 1}`)));
				return quote + 1;
			}
			if (backslash > at) this.divert(chunk.toString('latin1', at, backslash));
			// An escape: `\x` or `\uXXXX`, possibly cut by the chunk's end. (A quote right after a
			// backslash is escaped, so the string's end is searched again past the escape.)
			at = backslash;
			this.pendingEscape = '';
			while (at < chunk.length && !this.escapeComplete()) this.pendingEscape += String.fromCharCode(chunk[at++]);
			if (!this.escapeComplete()) return at;
			this.divert(this.unescape(this.pendingEscape));
			this.pendingEscape = '';
			if (quote >= 0 && quote < at) return at; // the escaped quote: the caller reads on from here
			backslash = chunk.indexOf(BACKSLASH, at);
		}
	}

	private divert(text: string): void {
		this.divertedAny = true;
		this.sink!.write(text);
	}

	private escapeComplete(): boolean {
		const escape = this.pendingEscape;
		if (escape.length < 2) return false;
		return escape[1] !== 'u' || escape.length >= 6;
	}

	/** What an escape stands for; an unknown one stands for itself (the sink will reject it). */
	private unescape(escape: string): string {
		if (escape[1] === 'u') {
			const code = Number.parseInt(escape.slice(2), 16);
			return Number.isNaN(code) ? escape : String.fromCharCode(code);
		}
		return SIMPLE_ESCAPES[escape[1]] ?? escape;
	}

	private keep(bytes: Buffer): void {
		if (bytes.length === 0) return;
		this.skeletonBytes += bytes.length;
		if (this.skeletonBytes > MAX_SKELETON_BYTES) throw new Error(`the reply is over ${MAX_SKELETON_BYTES / 1024 / 1024} MB`);
		// A copy: a slice would hold the whole chunk, mostly diverted bytes.
		this.skeleton.push(Buffer.from(bytes));
	}
}

/**
 * Like apiRequest, for replies that carry images as base64 strings: the request is read as a
 * stream, and the string values under `diversion.keys` are given to its sinks as they arrive (see
 * DivertingJsonReader); each one is replaced in the reply by what its sink's end() returned. The
 * in-flight slot is held until the reply is read (see send.ts).
 */
export async function apiDivertingRequest(
	this: Context,
	request: ApiRequest,
	diversion: StringDiversion,
	run?: RequestRun,
): Promise<IDataObject> {
	const response = await send.call(this, request, 'stream', run);
	const body = response.body as ByteStream;
	const declaredLength = Number(headerValue(response, 'content-length'));
	const reader = new DivertingJsonReader(diversion, Number.isSafeInteger(declaredLength) && declaredLength > 0 ? declaredLength : undefined);
	try {
		for await (const chunk of body) await reader.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
	} catch (error) {
		body.destroy?.();
		throw streamReadError(this, error, request.itemIndex, request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
	}
	const parsed = parseJsonBody.call(this, response.statusCode, reader.text(), request.itemIndex);
	reader.restore(parsed);
	if (request.itemIndex !== undefined) run?.requestAnswered(request.itemIndex);
	return parsed;
}
