import type { IDataObject } from 'n8n-workflow';

import { headerValue, readAll, type ByteStream } from './http';
import { parseJsonBody } from './json';
import { send, type ApiRequest, type Context, type RequestRun } from './send';

export type StreamedReply = { kind: 'stream'; events: ByteStream } | { kind: 'json'; body: IDataObject };

/**
 * Like apiRequest, for endpoints that may answer with Server-Sent Events (`stream: true`). A server
 * that ignores streaming and answers with plain JSON is handled too.
 */
export async function apiStreamRequest(
	this: Context,
	request: ApiRequest,
	run?: RequestRun,
): Promise<StreamedReply> {
	const response = await send.call(this, request, 'stream', run);
	const stream = response.body as ByteStream;
	if (/text\/event-stream/i.test(headerValue(response, 'content-type'))) {
		return { kind: 'stream', events: stream };
	}
	const { data: raw } = await readAll(stream, 256 * 1024 * 1024);
	return { kind: 'json', body: parseJsonBody.call(this, response.statusCode, raw, request.itemIndex) };
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
