import { answerChat, gpt4oImageAnswer, sseText, streamChunks, useFakeChatApi } from '../../helpers/fake-chat';
import { errorReply, type FakeReply } from '../../helpers/fake-cometapi';

/*
 * Fault suite, Chat Image: retries before the reply starts, and what happens when a streamed reply
 * breaks half-way (not retried: the model already ran, a retry would be billed again).
 */

const fake = useFakeChatApi();

const attempts = () => fake.api.requests.filter((r) => r.path === '/v1/chat/completions').length;

function failFirst(times: number, reply: FakeReply) {
	let seen = 0;
	fake.api.override((request) => (request.path === '/v1/chat/completions' && seen++ < times ? reply : undefined));
}

describe('Fault suite: Chat Image', () => {
	it('429 with Retry-After before a streamed reply, then success: 2 attempts, one image', async () => {
		failFirst(1, { ...errorReply(429, 'Rate limit reached'), headers: { 'retry-after': '0' } });
		const { output, error } = await fake.run();
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
		expect(output).toHaveLength(1);
		expect(output[0].binary?.data.mimeType).toBe('image/png');
	});

	it('524 (Cloudflare timeout) then success, without streaming: 2 attempts', async () => {
		failFirst(1, { status: 524, text: 'error code: 524', headers: { 'content-type': 'text/plain' } });
		const { output, error } = await fake.run({ options: { stream: false } });
		expect(error).toBeUndefined();
		expect(attempts()).toBe(2);
		expect(output[0].binary?.data).toBeDefined();
	});

	it('500 forever with Max Retries 1: 2 attempts and CometAPI’s message', async () => {
		fake.api.override(() => errorReply(500, 'upstream provider error', 'upstream_error'));
		const { error } = await fake.run({ options: { maxRetries: 1 } });
		expect(attempts()).toBe(2);
		expect(error!.message).toMatch(/^upstream provider error \(request id: [^)]+\) \(after 2 attempts\)$/);
	});

	it('a stream cut off half-way is not retried (it would be billed again) and is a clear error', async () => {
		let answer = '';
		answerChat((request, context) => {
			answer = sseText(streamChunks(gpt4oImageAnswer(context), request.model));
			return { reply: { chunks: [answer.slice(0, Math.floor(answer.length / 2))] } };
		});
		const { error, output } = await fake.run();
		expect(answer).not.toBe('');
		expect(attempts()).toBe(1);
		expect(output).toEqual([]);
		expect(error!.message).toMatch(/stream/i);
	});

	it('a model not found (404 model_not_found) is not retried', async () => {
		fake.api.override(() => errorReply(404, 'model gpt-4o-imagee not found', 'model_not_found'));
		const { error } = await fake.run();
		expect(attempts()).toBe(1);
		expect(error!.httpCode).toBe('404');
		expect(error!.description).toContain('model ID');
	});
});
