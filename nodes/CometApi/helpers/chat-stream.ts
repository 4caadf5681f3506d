import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { apiError, SseDecoder, StreamFault, type ByteStream, type SseEvent } from '../transport';
import { asRecord } from './record';
import { hasApiError, replyError } from './reply-error';

/*
 * A streamed chat completion: its Server-Sent Events (split by the transport's SseDecoder), read as
 * they arrive and accumulated into the object a non-streamed request returns, so both are handled
 * alike afterwards.
 */

function parseJson(text: string): unknown[] {
	try {
		return [JSON.parse(text)];
	} catch {
		// Some relays put several `data:` lines in one event, each a whole chunk.
		const values: unknown[] = [];
		for (const line of text.split('\n')) {
			try {
				values.push(JSON.parse(line));
			} catch {
				// Not JSON: skipped.
			}
		}
		return values;
	}
}

interface ChoiceState {
	index: number;
	role: string;
	/** Text and other content parts in the order they came; neighbouring text is joined. */
	parts: unknown[];
	images: unknown[];
	finishReason?: unknown;
}

/**
 * Accumulates `chat.completion.chunk` events: `delta.content` as text or as content parts,
 * `delta.images`, finish reasons, model and usage. Stops at `[DONE]` or at an error.
 */
export class ChatStreamAccumulator {
	/** `[DONE]` came. */
	done = false;

	/** What an error event or an `error` chunk said. */
	error: unknown;

	/** How many chunks were read. */
	chunks = 0;

	private readonly choices = new Map<number, ChoiceState>();

	private readonly fields: IDataObject = {};

	get finished(): boolean {
		return this.done || this.error !== undefined;
	}

	/** Whether the reply is whole: `[DONE]` or a finish reason came. */
	get complete(): boolean {
		return this.done || [...this.choices.values()].some((choice) => choice.finishReason);
	}

	add(event: SseEvent): void {
		if (this.finished) return;
		if (event.event === 'error') {
			this.error = parseJson(event.data)[0] ?? event.data;
			return;
		}
		if (event.data.trim() === '[DONE]') {
			this.done = true;
			return;
		}
		for (const value of parseJson(event.data)) {
			const chunk = asRecord(value);
			if (!chunk) continue;
			if (hasApiError(chunk) && !Array.isArray(chunk.choices)) {
				this.error = chunk;
				return;
			}
			this.addChunk(chunk);
		}
	}

	private addChunk(chunk: Record<string, unknown>): void {
		this.chunks++;
		for (const field of ['id', 'model', 'created', 'system_fingerprint']) {
			if (chunk[field] !== undefined && chunk[field] !== null) this.fields[field] = chunk[field] as string;
		}
		if (asRecord(chunk.usage)) this.fields.usage = chunk.usage as IDataObject;
		if (!Array.isArray(chunk.choices)) return;
		for (const entry of chunk.choices) {
			const choice = asRecord(entry);
			if (!choice) continue;
			const index = typeof choice.index === 'number' ? choice.index : 0;
			let state = this.choices.get(index);
			if (!state) {
				state = { index, role: 'assistant', parts: [], images: [] };
				this.choices.set(index, state);
			}
			const delta = asRecord(choice.delta) ?? asRecord(choice.message);
			if (delta) this.addDelta(state, delta);
			if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
				state.finishReason = choice.finish_reason;
			}
		}
	}

	private addDelta(state: ChoiceState, delta: Record<string, unknown>): void {
		if (typeof delta.role === 'string' && delta.role) state.role = delta.role;
		const content = delta.content;
		if (typeof content === 'string') this.addText(state, content);
		else if (Array.isArray(content)) {
			for (const part of content) {
				const text = typeof part === 'string' ? part : asRecord(part)?.text;
				if (typeof text === 'string') this.addText(state, text);
				else state.parts.push(part);
			}
		}
		if (Array.isArray(delta.images)) state.images.push(...(delta.images as unknown[]));
	}

	private addText(state: ChoiceState, text: string): void {
		const last = state.parts[state.parts.length - 1];
		if (typeof last === 'string') state.parts[state.parts.length - 1] = last + text;
		else state.parts.push(text);
	}

	/** The accumulated reply in the shape of a non-streamed chat completion. */
	completion(): IDataObject {
		const choices = [...this.choices.values()]
			.sort((a, b) => a.index - b.index)
			.map((state) => {
				const onlyText = state.parts.every((part) => typeof part === 'string');
				const content = onlyText
					? state.parts.join('')
					: state.parts.map((part) => (typeof part === 'string' ? { type: 'text', text: part } : part));
				return {
					index: state.index,
					message: {
						role: state.role,
						content,
						...(state.images.length > 0 ? { images: state.images } : {}),
					},
					finish_reason: state.finishReason ?? null,
				};
			});
		return { object: 'chat.completion', ...this.fields, choices } as IDataObject;
	}
}

/** The most a streamed reply may hold (data URIs included). */
const MAX_STREAM_BYTES = 256 * 1024 * 1024;

export interface ReadStreamOptions {
	itemIndex: number;
	timeoutSeconds: number;
}

/**
 * Reads a streamed chat completion to its end and returns it as a non-streamed reply would be.
 * An error event, a stream that breaks off or ends early, and a cancelled execution become
 * NodeApiErrors with CometAPI's own message where it sent one.
 */
export async function readChatStream(
	this: IExecuteFunctions,
	events: ByteStream,
	options: ReadStreamOptions,
): Promise<IDataObject> {
	const { itemIndex } = options;
	const decoder = new SseDecoder();
	const reply = new ChatStreamAccumulator();
	let received = 0;
	const retryHint = 'Run the node again; turn off Stream if this keeps happening.';
	let failure: { message: string; code: string; hint?: string } | undefined;
	try {
		// The transport owns the stream: its idle timer (the Timeout) and the cancel signal end it as StreamFaults.
		for await (const chunk of events) {
			received += chunk.length;
			if (received > MAX_STREAM_BYTES) {
				failure = { message: 'CometAPI’s streamed reply is larger than 256 MB', code: 'stream_too_large' };
				break;
			}
			for (const event of decoder.push(chunk)) reply.add(event);
			if (reply.finished) break;
		}
		if (!reply.finished && !failure) for (const event of decoder.end()) reply.add(event);
	} catch (error) {
		const fault = error instanceof StreamFault ? error : undefined;
		const message = String((error as { message?: unknown })?.message ?? error);
		if (fault?.kind === 'cancelled') {
			failure = { message: 'The request to CometAPI was cancelled', code: fault.code, hint: 'The execution was stopped.' };
		} else {
			failure = {
				message:
					fault?.kind === 'stalled'
						? `CometAPI’s stream stalled for more than ${options.timeoutSeconds} s (the Timeout option)`
						: `CometAPI’s stream broke off: ${message}`,
				code: fault?.code ?? String((error as { code?: unknown })?.code ?? 'stream_failed'),
				hint: retryHint,
			};
		}
	} finally {
		events.destroy?.();
	}

	const node = this.getNode();
	if (failure) throw apiError(node, { message: failure.message, code: failure.code }, itemIndex, failure.hint);
	if (reply.error !== undefined) throw replyError(node, reply.error, itemIndex);
	if (!reply.complete) {
		throw apiError(
			node,
			{
				message: 'CometAPI’s stream ended before the reply was complete',
				code: reply.chunks === 0 ? 'empty_stream' : 'incomplete_stream',
			},
			itemIndex,
			'The images in a cut-off reply may be damaged: run the node again.',
		);
	}
	return reply.completion();
}
