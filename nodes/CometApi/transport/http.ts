import type { IN8nHttpFullResponse } from 'n8n-workflow';

/*
 * What every exchange over HTTP shares: reading a body that arrives as a stream, a header of a
 * reply, and what a network failure was.
 */

/** A response body read as it arrives (Server-Sent Events, downloads). */
export type ByteStream = AsyncIterable<Buffer | string> & { destroy?: (error?: Error) => void };

/** Reads a stream to its end; stops (and reports `truncated`) once it holds more than maxBytes. */
export async function readAll(stream: ByteStream, maxBytes: number): Promise<{ data: Buffer; truncated: boolean }> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		size += buffer.length;
		if (size > maxBytes) {
			stream.destroy?.();
			return { data: Buffer.concat(chunks), truncated: true };
		}
		chunks.push(buffer);
	}
	return { data: Buffer.concat(chunks), truncated: false };
}

/** A Blob read whole through its stream() (for Blobs whose bytes are made as they are read). */
export async function readWhole(blob: Blob): Promise<ArrayBuffer> {
	const chunks: Uint8Array[] = [];
	for await (const chunk of blob.stream()) chunks.push(chunk);
	const whole = Buffer.concat(chunks);
	return whole.buffer.slice(whole.byteOffset, whole.byteOffset + whole.byteLength) as ArrayBuffer;
}

export function headerValue(response: IN8nHttpFullResponse, name: string): string {
	const value = (response.headers as Record<string, unknown>)[name];
	return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : '';
}

export interface NetworkFailure {
	code: string;
	message: string;
}

/** Finds the network error code (ECONNRESET, ECONNABORTED…) in what the HTTP helper threw. */
export function readNetworkFailure(error: unknown): NetworkFailure {
	const layers: unknown[] = [];
	let current: unknown = error;
	for (let depth = 0; current && depth < 4; depth++) {
		layers.push(current);
		current = (current as { cause?: unknown }).cause;
	}
	for (const layer of layers) {
		const code = (layer as { code?: unknown }).code;
		if (typeof code === 'string' && /^(E[A-Z_]+|ERR_[A-Z_]+)$/.test(code)) {
			return { code, message: String((layer as { message?: unknown }).message ?? code) };
		}
	}
	const message = String((error as { message?: unknown })?.message ?? 'unknown error');
	return { code: 'EUNKNOWN', message };
}

/** A per-attempt timeout: the request may have reached the model before it was cut off. */
export function isTimeoutFailure(failure: NetworkFailure): boolean {
	return (
		['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT'].includes(failure.code) ||
		/timeout/i.test(failure.message)
	);
}

export function describeNetworkFailure(failure: NetworkFailure, timeoutSeconds: number): string {
	if (isTimeoutFailure(failure)) {
		return `CometAPI did not answer within ${timeoutSeconds} s (the Timeout option)`;
	}
	if (failure.code === 'ERR_CANCELED') return 'The request to CometAPI was cancelled';
	if (failure.code === 'ECONNREFUSED') return 'CometAPI refused the connection';
	if (failure.code === 'ECONNRESET') return 'The connection to CometAPI was reset';
	if (failure.code === 'ENOTFOUND' || failure.code === 'EAI_AGAIN') {
		return 'The CometAPI host could not be resolved';
	}
	return `The request to CometAPI failed: ${failure.message}`;
}
