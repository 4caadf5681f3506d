import { sleep } from 'n8n-workflow';

import type { ByteStream } from './http';

/*
 * A response body the node owns: read through its own idle timer and abort listener, never through
 * the HTTP client's timeouts. The timer restarts on every chunk and destroys the stream after the
 * Timeout without data; the execution's cancel signal destroys it at once.
 */

export type StreamFaultKind = 'stalled' | 'cancelled' | 'broken';

/** Why an owned stream stopped before its end. */
export class StreamFault extends Error {
	constructor(
		readonly kind: StreamFaultKind,
		message: string,
		readonly code: string,
	) {
		super(message);
	}
}

export interface OwnedStreamOptions {
	/** The longest wait for the next chunk, in ms. */
	idleMs: number;
	/** Destroys the stream at once when it aborts. */
	signal?: AbortSignal;
	/** Called once, when the stream ends, fails, is cancelled or is abandoned by its reader. */
	onSettled?: () => void;
	/**
	 * Aborts the request the stream answers, when the stream is destroyed before its end: destroying
	 * the body alone does not close the connection when the HTTP client follows no redirects.
	 */
	abortRequest?: () => void;
}

/** Resolves 'idle' once `waitingSince()` lies idleMs in the past, 'stopped' when `stop` aborts. */
async function idleWatch(idleMs: number, waitingSince: () => number, stop: AbortSignal): Promise<'idle' | 'stopped'> {
	while (!stop.aborted) {
		const remaining = waitingSince() + idleMs - Date.now();
		if (remaining <= 0) return 'idle';
		try {
			await sleep(remaining, stop);
		} catch {
			return 'stopped';
		}
	}
	return 'stopped';
}

/** Takes over a response body: iterate it (or destroy it) exactly as the original; faults are StreamFaults. */
export function ownStream(stream: ByteStream, options: OwnedStreamOptions): ByteStream {
	let settled = false;
	const settle = () => {
		if (settled) return;
		settled = true;
		options.onSettled?.();
	};
	const { signal } = options;
	// Stops the idle timer: when the reading ends, and when a reader that has what it needs (an SSE
	// reply's [DONE], a size cap) destroys the stream and leaves the generator paused for good.
	const stop = new AbortController();
	let ended = false;
	const destroy = () => {
		stop.abort();
		stream.destroy?.();
		if (!ended) options.abortRequest?.();
		settle();
	};
	async function* chunks(): AsyncGenerator<Buffer | string> {
		const iterator = stream[Symbol.asyncIterator]();
		let waitingSince = Date.now();
		const idle = idleWatch(options.idleMs, () => waitingSince, stop.signal).then((kind) => ({ kind }));
		let onAbort: () => void = () => {};
		const cancelled = new Promise<{ kind: 'cancelled' }>((resolve) => {
			onAbort = () => {
				stream.destroy?.();
				options.abortRequest?.();
				resolve({ kind: 'cancelled' });
			};
		});
		if (signal?.aborted) onAbort();
		else signal?.addEventListener('abort', onAbort, { once: true });
		let fault: StreamFault | undefined;
		try {
			for (;;) {
				waitingSince = Date.now();
				const next = iterator.next();
				next.catch(() => {});
				const outcome = await Promise.race([next.then((result) => ({ kind: 'chunk' as const, result })), idle, cancelled]);
				if (outcome.kind === 'cancelled') {
					fault = new StreamFault('cancelled', 'The request to CometAPI was cancelled', 'ERR_CANCELED');
					break;
				}
				if (outcome.kind !== 'chunk') {
					fault =
						outcome.kind === 'idle'
							? new StreamFault('stalled', `no data for ${options.idleMs / 1000} s`, 'ETIMEDOUT')
							: new StreamFault('broken', 'the reply was destroyed while it was read', 'ERR_STREAM_DESTROYED');
					break;
				}
				if (outcome.result.done) {
					ended = true;
					break;
				}
				yield outcome.result.value;
			}
		} catch (error) {
			const message = String((error as { message?: unknown })?.message ?? error);
			fault = signal?.aborted
				? new StreamFault('cancelled', 'The request to CometAPI was cancelled', 'ERR_CANCELED')
				: new StreamFault('broken', message, String((error as { code?: unknown })?.code ?? 'stream_failed'));
		} finally {
			signal?.removeEventListener('abort', onAbort);
			destroy();
		}
		if (fault) throw fault;
	}
	const generator = chunks();
	return {
		[Symbol.asyncIterator]: () => generator,
		destroy,
	};
}
