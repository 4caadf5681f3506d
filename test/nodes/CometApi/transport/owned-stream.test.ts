/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code: a stream of its own, and the process's timers counted */
import { Readable } from 'node:stream';

import { sleep } from 'n8n-workflow';

import { ownStream } from '../../../../nodes/CometApi/transport/owned-stream';

import { answerChat, gpt4oImageAnswer, sseReply, sseText, streamChunks, useFakeChatApi } from '../../../helpers/fake-chat';
import { API_KEY, errorReply } from '../../../helpers/fake-cometapi';
import { startCometApi } from '../../../helpers/harness';
import { eventually } from '../../../helpers/setup';

/*
 * Streamed bodies are the node's own: its idle timer (the Timeout, restarted on every chunk) and
 * the cancel signal end them, never the HTTP client's internals; and whatever ends a stream gives
 * its limiter slot back.
 */

const fake = useFakeChatApi();
const api = fake.api;
const CHAT = '/v1/chat/completions';

/** A reply that sends its first half, then goes silent for `silentMs` before the rest. */
function silentMidStream(silentMs: number) {
	answerChat((request, context) => {
		const text = sseText(streamChunks(gpt4oImageAnswer(context), request.model));
		return { reply: { ...sseReply(text, Math.ceil(Buffer.byteLength(text) / 2)), chunkDelayMs: silentMs } };
	});
}

describe('owned streams: silence and cancellation', () => {
	it('a stream silent mid-way past the Timeout is destroyed by the node’s idle timer: "stalled", not "broke off"', async () => {
		// The HTTP client's own timeout is only a backstop at twice the Timeout: without the idle timer this reads "broke off".
		silentMidStream(10_000);
		const { error } = await fake.run({ options: { timeout: 1 } });
		expect(error!.message).toBe('CometAPI’s stream stalled for more than 1 s (the Timeout option)');
		expect(await eventually(() => api.requests[0].abandoned === true)).toBe(true);
		expect(api.requests).toHaveLength(1);
	});

	it('cancelling during a silent stream destroys it at once and reports "cancelled"', async () => {
		silentMidStream(30_000);
		const started = startCometApi({
			parameters: { resource: 'image', operation: 'chat', prompt: 'a kite' },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		});
		expect(await eventually(() => api.requests.length === 1)).toBe(true);
		await sleep(300);
		started.cancel();
		const { error } = await started.nodeSettled;
		expect(error!.message).toBe('The request to CometAPI was cancelled');
		expect(error!.message).not.toMatch(/broke off|stalled/);
		expect(await eventually(() => api.requests[0].abandoned === true)).toBe(true);
	});
});

describe('owned streams give their limiter slot back on every path', () => {
	// One request at a time: a slot not given back would leave the next item waiting for ever.
	it.each([
		['a stalled stream', () => silentMidStream(10_000)],
		['an error event mid-stream', () => answerChat(() => ({ reply: sseReply('data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\nevent: error\ndata: {"error":{"message":"upstream failed"}}\n\n') }))],
		[
			'a stream that breaks off',
			() =>
				answerChat((request, context) => {
					const text = sseText(streamChunks(gpt4oImageAnswer(context), request.model));
					return { reply: { chunks: [text.slice(0, 200)], chunkDelayMs: 100, destroyAfterChunks: true } };
				}),
		],
	])('%s: with Max Concurrent Requests 1 the next items still run', async (_case, misbehave) => {
		misbehave();
		const { output } = await fake.run(
			{ prompt: '={{ $json.p }}', options: { timeout: 1, maxConcurrency: 1 } },
			{ input: [{ json: { p: 'a' } }, { json: { p: 'b' } }, { json: { p: 'c' } }], continueOnFail: true },
		);
		expect(output).toHaveLength(3);
		expect(output.every((item) => item.json.error)).toBe(true);
		expect(api.requests.filter((request) => request.path === CHAT)).toHaveLength(3);
	}, 15_000);

	it('a streamed error reply (HTTP 503) is read, retried and answered', async () => {
		let calls = 0;
		api.override((request) => (request.path === CHAT && calls++ === 0 ? errorReply(503, 'busy') : undefined));
		const { output, error } = await fake.run({ options: { maxConcurrency: 1 } });
		expect(error).toBeUndefined();
		expect(output[0].binary?.data).toBeDefined();
	});
});

describe('stream: replies recognised by their content, read errors as API errors', () => {
	it.each(['application/json', 'text/plain', 'application/octet-stream'])(
		'events served as %s when stream: true was sent are read as a stream',
		async (contentType) => {
			answerChat((request, context) => ({
				reply: { ...sseReply(sseText(streamChunks(gpt4oImageAnswer(context), request.model))), headers: { 'content-type': contentType } },
			}));
			const { output, error } = await fake.run();
			expect(error).toBeUndefined();
			expect(output[0].binary?.data.mimeType).toBe('image/png');
		},
	);

	it('a JSON reply that breaks off while it is read is an API error, not a half-parsed reply', async () => {
		api.override((request) =>
			request.path === CHAT ? { chunks: ['{"id":"chatcmpl-1","choices":[{"index":0,"mess'], chunkDelayMs: 100, destroyAfterChunks: true, headers: { 'content-type': 'application/json' } } : undefined,
		);
		const { error } = await fake.run({ options: { stream: false } });
		expect(error!.message).toMatch(/^CometAPI’s reply broke off: /);
		expect(error!.description).toContain('Run the node again.');
		expect(api.requests).toHaveLength(1);
	});
});

describe('owned streams: a reader that leaves early', () => {
	it('destroying the stream mid-way (an SSE reply at [DONE], a size cap) clears its idle timer and settles it once', async () => {
		const setTimer = jest.spyOn(global, 'setTimeout');
		const clearTimer = jest.spyOn(global, 'clearTimeout');
		try {
			let settled = 0;
			const owned = ownStream(Readable.from([Buffer.from('data: a\n\n'), Buffer.from('data: [DONE]\n\n'), Buffer.from('more')]), {
				idleMs: 300_000,
				onSettled: () => (settled += 1),
			});
			const reader = owned[Symbol.asyncIterator]();
			expect((await reader.next()).value.toString()).toBe('data: a\n\n');
			// The idle timer (the default Timeout, 300 s) runs while the reader holds the stream. It is
			// set for what is left of the 300 s when it is armed: a few ms less on a busy machine.
			const isIdleTimer = (ms: number | undefined) => ms !== undefined && ms > 150_000 && ms <= 300_000;
			const idleTimer = setTimer.mock.results[setTimer.mock.calls.findIndex(([, ms]) => isIdleTimer(ms))]?.value;
			expect(idleTimer).toBeDefined();
			owned.destroy?.();
			expect(settled).toBe(1);
			expect(await eventually(() => clearTimer.mock.calls.some(([timer]) => timer === idleTimer))).toBe(true);
		} finally {
			setTimer.mockRestore();
			clearTimer.mockRestore();
		}
	});
});
