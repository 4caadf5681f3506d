import { ChatStreamAccumulator } from '../../../../nodes/CometApi/helpers/chat-stream';
import { SseDecoder, type SseEvent } from '../../../../nodes/CometApi/transport';
import { sseText, streamChunks } from '../../../helpers/fake-chat';
import { makePng } from '../../../helpers/images';

/** Decodes the bytes fed in the given pieces. */
function decode(pieces: Array<Buffer | string>): SseEvent[] {
	const decoder = new SseDecoder();
	const events = pieces.flatMap((piece) => decoder.push(piece));
	return [...events, ...decoder.end()];
}

function accumulate(events: SseEvent[]): ChatStreamAccumulator {
	const reply = new ChatStreamAccumulator();
	for (const event of events) reply.add(event);
	return reply;
}

describe('ChatStreamAccumulator', () => {
	it('puts string deltas, part deltas and images back together in a non-streamed completion', () => {
		const png = makePng(4, 4, 3).toString('base64');
		const chunks = streamChunks(
			{
				content: [
					{ type: 'text', text: `Here: ![image](data:image/png;base64,${png})` },
					{ type: 'image_url', image_url: { url: 'https://cdn.example/a.png' } },
					{ type: 'text', text: 'end' },
				],
				images: [{ type: 'image_url', image_url: { url: 'https://cdn.example/b.png' } }],
				usage: { total_tokens: 9 },
				stream: { pieceChars: 4 },
			},
			'gemini-2.5-flash-image',
			true,
		);
		const reply = accumulate(decode([sseText(chunks)]));
		expect(reply.done).toBe(true);
		expect(reply.complete).toBe(true);
		expect(reply.error).toBeUndefined();
		expect(reply.completion()).toEqual({
			object: 'chat.completion',
			id: 'chatcmpl-test',
			created: 1744696747,
			model: 'gemini-2.5-flash-image',
			usage: { total_tokens: 9 },
			choices: [
				{
					index: 0,
					message: {
						role: 'assistant',
						content: [
							{ type: 'text', text: `Here: ![image](data:image/png;base64,${png})` },
							{ type: 'image_url', image_url: { url: 'https://cdn.example/a.png' } },
							{ type: 'text', text: 'end' },
						],
						images: [{ type: 'image_url', image_url: { url: 'https://cdn.example/b.png' } }],
					},
					finish_reason: 'stop',
				},
			],
		});
	});

	it('joins text deltas into one string and keeps choices apart', () => {
		const chunk = (index: number, content: string, finish: string | null = null) =>
			JSON.stringify({ model: 'm', choices: [{ index, delta: { content }, finish_reason: finish }] });
		const reply = accumulate(
			decode([`data: ${chunk(0, 'Hel')}\n\ndata: ${chunk(1, 'Other')}\n\ndata: ${chunk(0, 'lo', 'stop')}\n\n`]),
		);
		expect(reply.done).toBe(false);
		expect(reply.complete).toBe(true);
		const choices = reply.completion().choices as Array<{ message: { content: unknown } }>;
		expect(choices.map((choice) => choice.message.content)).toEqual(['Hello', 'Other']);
	});

	it('several data lines in one event, each a whole chunk (a relay that leaves out the blank lines)', () => {
		const line = (content: string) => `data: {"choices":[{"index":0,"delta":{"content":"${content}"}}]}\n`;
		const reply = accumulate(decode([`${line('a')}${line('b')}\n`]));
		expect((reply.completion().choices as Array<{ message: { content: string } }>)[0].message.content).toBe('ab');
	});

	it('an error event or an error chunk ends the stream with the error', () => {
		const viaEvent = accumulate(
			decode(['data: {"choices":[{"delta":{"content":"x"}}]}\n\nevent: error\ndata: {"error":{"message":"upstream failed"}}\n\ndata: {"choices":[{"delta":{"content":"y"}}]}\n\n']),
		);
		expect(viaEvent.finished).toBe(true);
		expect(viaEvent.error).toEqual({ error: { message: 'upstream failed' } });
		const viaChunk = accumulate(decode(['data: {"error":{"message":"quota","code":"insufficient_user_quota"}}\n\n']));
		expect(viaChunk.error).toEqual({ error: { message: 'quota', code: 'insufficient_user_quota' } });
	});

	it('an empty error object (as CometAPI sends on success) is no error', () => {
		const reply = accumulate(decode(['data: {"error":{},"choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\n']));
		expect(reply.error).toBeUndefined();
		expect(reply.complete).toBe(true);
	});

	it('is not complete without [DONE] or a finish reason; lines that are not JSON are skipped', () => {
		const reply = accumulate(decode(['data: {"choices":[{"delta":{"content":"par"}}]}\n\ndata: not json\n\n']));
		expect(reply.chunks).toBe(1);
		expect(reply.complete).toBe(false);
		expect(reply.finished).toBe(false);
	});
});
