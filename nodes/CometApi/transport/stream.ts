import type { IDataObject } from 'n8n-workflow';

import { apiError } from './errors';
import { headerValue, readAll, type ByteStream } from './http';
import { parseJsonBody } from './json';
import { StreamFault } from './owned-stream';
import { DEFAULT_TIMEOUT_SECONDS, type ApiRequest, type Context, type RequestRun } from './request';
import { send } from './send';

export type StreamedReply = { kind: 'stream'; events: ByteStream } | { kind: 'json'; body: IDataObject };

/** The most a JSON reply read from a stream may hold. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** What an event stream starts with (after blank lines): a field or a comment line. */
const SSE_START = /^(?:data|event|id|retry)\s*:|^:/;

/** A stream whose first bytes were already read: those first, then the rest. */
function replay(head: Buffer[], iterator: AsyncIterator<Buffer | string>, stream: ByteStream): ByteStream {
	return {
		async *[Symbol.asyncIterator]() {
			yield* head;
			for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
		},
		destroy: (error?: Error) => stream.destroy?.(error),
	};
}

/** Reads up to the first non-blank byte and tells whether the body is Server-Sent Events. */
async function sniffEvents(stream: ByteStream): Promise<{ isEvents: boolean; stream: ByteStream }> {
	const iterator = stream[Symbol.asyncIterator]();
	const head: Buffer[] = [];
	for (;;) {
		const next = await iterator.next();
		if (next.done) break;
		head.push(typeof next.value === 'string' ? Buffer.from(next.value) : next.value);
		const text = Buffer.concat(head).toString('utf8').replace(/^\uFEFF/, '').trimStart();
		if (text.length >= 6 || (text !== '' && !/^[a-z:]/.test(text))) {
			return { isEvents: SSE_START.test(text), stream: replay(head, iterator, stream) };
		}
	}
	const text = Buffer.concat(head).toString('utf8').trimStart();
	return { isEvents: SSE_START.test(text), stream: replay(head, iterator, stream) };
}

/** A stream that broke while the reply was read, as users see it. */
export function streamReadError(context: Context, error: unknown, itemIndex: number | undefined, timeoutSeconds: number) {
	const fault = error instanceof StreamFault ? error : new StreamFault('broken', String((error as Error)?.message ?? error), 'stream_failed');
	const message =
		fault.kind === 'cancelled'
			? 'The request to CometAPI was cancelled'
			: fault.kind === 'stalled'
				? `CometAPI’s reply stalled for more than ${timeoutSeconds} s (the Timeout option)`
				: `CometAPI’s reply broke off: ${fault.message}`;
	return apiError(context.getNode(), { message, code: fault.code }, itemIndex, fault.kind === 'cancelled' ? 'The execution was stopped.' : 'Run the node again.');
}

/**
 * Like apiRequest, for endpoints that may answer with Server-Sent Events (`stream: true`). Events are
 * recognised by the Content-Type or, when `stream: true` was sent, by the body's first line
 * whatever its Content-Type; a server that answers with plain JSON is handled too. The request's
 * limiter slot is held until the reply is read (see send).
 */
export async function apiStreamRequest(
	this: Context,
	request: ApiRequest,
	run?: RequestRun,
): Promise<StreamedReply> {
	const response = await send.call(this, request, 'stream', run);
	let stream = response.body as ByteStream;
	const { itemIndex } = request;
	const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
	if (/text\/event-stream/i.test(headerValue(response, 'content-type'))) return { kind: 'stream', events: stream };
	let read: { data: Buffer; truncated: boolean };
	try {
		const askedToStream = !(request.body instanceof FormData) && request.body?.stream === true;
		if (askedToStream) {
			const sniffed = await sniffEvents(stream);
			stream = sniffed.stream;
			if (sniffed.isEvents) return { kind: 'stream', events: stream };
		}
		read = await readAll(stream, MAX_JSON_BYTES);
	} catch (error) {
		stream.destroy?.();
		throw streamReadError(this, error, itemIndex, timeoutSeconds);
	}
	if (read.truncated) {
		throw apiError(
			this.getNode(),
			{ status: response.statusCode, message: 'CometAPI’s reply is larger than 256 MB', code: 'reply_too_large' },
			itemIndex,
		);
	}
	return { kind: 'json', body: parseJsonBody.call(this, response.statusCode, read.data, itemIndex) };
}

/** One Server-Sent Event: its `event:` name ("message" when none) and its `data:` lines joined. */
export interface SseEvent {
	event: string;
	data: string;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into events. Chunk boundaries may fall anywhere: inside a line, inside a
 * UTF-8 character, between the CR and LF of a line break. Lines end with LF, CRLF or CR.
 */
export class SseDecoder {
	private pending: Buffer[] = [];

	private skipLineFeed = false;

	private firstLine = true;

	private eventName = '';

	private data: string[] = [];

	push(chunk: Buffer | string): SseEvent[] {
		const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
		const events: SseEvent[] = [];
		let start = 0;
		if (this.skipLineFeed && bytes.length > 0) {
			this.skipLineFeed = false;
			if (bytes[0] === LF) start = 1;
		}
		for (let index = start; index < bytes.length; index++) {
			const byte = bytes[index];
			if (byte !== LF && byte !== CR) continue;
			this.pending.push(bytes.subarray(start, index));
			this.line(events);
			if (byte === CR) {
				if (index + 1 === bytes.length) this.skipLineFeed = true;
				else if (bytes[index + 1] === LF) index++;
			}
			start = index + 1;
		}
		if (start < bytes.length) this.pending.push(bytes.subarray(start));
		return events;
	}

	/** The events still held when the stream ends (a last event without its blank line counts). */
	end(): SseEvent[] {
		const events: SseEvent[] = [];
		if (this.pending.length > 0) this.line(events);
		this.dispatch(events);
		return events;
	}

	private line(events: SseEvent[]): void {
		let text = Buffer.concat(this.pending).toString('utf8');
		this.pending = [];
		if (this.firstLine) {
			this.firstLine = false;
			text = text.replace(/^\uFEFF/, '');
		}
		if (text === '') {
			this.dispatch(events);
			return;
		}
		if (text.startsWith(':')) return;
		const colon = text.indexOf(':');
		const field = colon === -1 ? text : text.slice(0, colon);
		const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
		if (field === 'data') this.data.push(value);
		else if (field === 'event') this.eventName = value;
	}

	private dispatch(events: SseEvent[]): void {
		if (this.data.length > 0) events.push({ event: this.eventName || 'message', data: this.data.join('\n') });
		this.data = [];
		this.eventName = '';
	}
}
