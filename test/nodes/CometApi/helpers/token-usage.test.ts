import type { IExecuteFunctions, ITaskMetadata } from 'n8n-workflow';

import { answerChat, DEFAULT_USAGE, gpt4oImageAnswer, useFakeChatApi } from '../../../helpers/fake-chat';
import { API_KEY } from '../../../helpers/fake-cometapi';
import '../../../helpers/fake-edits'; // the /images/edits route
import { model, NODE_NAME, runCometApi, type NodeRun } from '../../../helpers/harness';
import { makePng } from '../../../helpers/images';
import { runGenerate } from '../../../helpers/setup';

/*
 * Token usage goes to n8n's own accounting (n8n-workflow's accumulateTokenUsage: the node run's
 * metadata.tokenUsage) wherever a reply has usage: Images API replies (input/output tokens) and
 * chat completions (prompt/completion tokens), streamed or not.
 */

const fake = useFakeChatApi();
const { api } = fake;

function tokenUsage(result: NodeRun): ITaskMetadata['tokenUsage'] {
	return result.run.data.resultData.runData[NODE_NAME]?.[0]?.metadata?.tokenUsage;
}

const chatRequests = () => api.requests.filter((r) => r.path === '/v1/chat/completions');

describe('Token usage reported to n8n', () => {
	it('Generate Image: each reply’s input and output tokens, summed over the items', async () => {
		const result = await runGenerate(api, {}, { input: [{ json: {} }, { json: {} }, { json: {} }] });
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(3);
		expect(tokenUsage(result)).toEqual({ inputTokens: 36, outputTokens: 3 * 4160 });
	});

	it('Edit Image: the reply’s usage', async () => {
		const result = await runCometApi({
			parameters: { resource: 'image', operation: 'edit', prompt: 'make the sky blue', options: { n: 2 } },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: [{ binary: { data: { data: makePng(16, 16), fileName: 'photo.png', mimeType: 'image/png' } } }],
		});
		expect(result.error).toBeUndefined();
		expect(tokenUsage(result)).toEqual({ inputTokens: 12, outputTokens: 2 * 4160 });
	});

	it('a reply without usage (dall-e-3 URLs) reports nothing', async () => {
		const dalle = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: 'a kite', modelId: model('dall-e-3', 'id') },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		});
		expect(dalle.error).toBeUndefined();
		expect(dalle.output[0].json).not.toHaveProperty('usage');
		expect(tokenUsage(dalle)).toBeUndefined();
	});

	it('Chat, stream on: asks for usage (stream_options.include_usage), outputs it and reports it', async () => {
		const result = await fake.run();
		expect(result.error).toBeUndefined();
		expect(chatRequests()[0].json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
		expect(result.output[0].json.usage).toEqual(gpt4oImageAnswer({ imageHost: api.imageHost, nextId: () => 0 }).usage);
		expect(tokenUsage(result)).toEqual({ inputTokens: 21, outputTokens: 373 });
	});

	it('Chat, stream off: no stream_options is sent (the API refuses it without stream); the JSON reply’s usage is reported', async () => {
		answerChat(() => ({ content: 'no image, just text' }));
		const result = await fake.run({ options: { stream: false, failWhenNoImage: false } });
		expect(result.error).toBeUndefined();
		expect(chatRequests()[0].json).not.toHaveProperty('stream_options');
		expect(result.output[0].json.usage).toEqual(DEFAULT_USAGE);
		expect(tokenUsage(result)).toEqual({ inputTokens: DEFAULT_USAGE.prompt_tokens, outputTokens: DEFAULT_USAGE.completion_tokens });
	});

	it('a stream not asked for usage has none (the fake, like the API, sends it only when asked)', async () => {
		answerChat(() => ({ content: 'no image, just text' }));
		const result = await fake.run({
			options: { failWhenNoImage: false, additionalBodyFields: '{"stream_options": {"include_usage": false}}' },
		});
		expect(result.error).toBeUndefined();
		expect(chatRequests()[0].json).toMatchObject({ stream: true, stream_options: { include_usage: false } });
		expect(result.output[0].json).not.toHaveProperty('usage');
		expect(tokenUsage(result)).toBeUndefined();
	});

	it('usage is reported even when the item then fails (the reply was billed)', async () => {
		answerChat(() => ({ content: 'I cannot draw that.' }));
		const result = await fake.run();
		expect(result.error?.message).toMatch(/^The model’s reply holds no image/);
		expect(tokenUsage(result)).toEqual({ inputTokens: 21, outputTokens: 1290 });
	});
});

describe('Token usage with an n8n-workflow that has no accumulateTokenUsage (n8n 2.8)', () => {
	it('reports nothing and throws nothing', () => {
		jest.isolateModules(() => {
			jest.doMock('n8n-workflow', () => ({ ...jest.requireActual<object>('n8n-workflow'), accumulateTokenUsage: undefined }));
			// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the mock above
			const { reportTokenUsage } = require('../../../../nodes/CometApi/helpers/token-usage') as typeof import('../../../../nodes/CometApi/helpers/token-usage');
			const setMetadata = jest.fn();
			const context = { getExecuteData: () => ({}), setMetadata } as unknown as IExecuteFunctions;
			expect(() => reportTokenUsage.call(context, { input_tokens: 3, output_tokens: 4 })).not.toThrow();
			expect(setMetadata).not.toHaveBeenCalled();
		});
		jest.dontMock('n8n-workflow');
	});
});
