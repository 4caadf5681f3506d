import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { CometApi } from '../../../nodes/CometApi/CometApi.node';
import { answerChat, dataUri, useFakeChatApi } from '../../helpers/fake-chat';
import { binaryBuffer, model } from '../../helpers/harness';
import { makePng, makeWebp } from '../../helpers/images';

const fake = useFakeChatApi();

const node = new CometApi();
const chatProperties = () =>
	node.description.properties.filter((p) => p.displayOptions?.show?.operation?.includes('chat'));
const chatOptions = () => (chatProperties().find((p) => p.name === 'options')?.options ?? []) as INodeProperties[];

/*
 * Every option of Chat Image, the value the test sets through the node's parameters, and what must
 * arrive in the request body (undefined: the option is not a body field; its effect is checked below).
 */
const CHAT_OPTIONS: Record<string, { value: unknown; field?: string; sent?: unknown }> = {
	additionalBodyFields: { value: '{"temperature": 0.5, "max_tokens": 4000}', field: 'temperature', sent: 0.5 },
	binaryPropertyOutput: { value: 'picture' },
	failWhenNoImage: { value: true },
	maxConcurrency: { value: 2 },
	maxDownloadSize: { value: 5 },
	maxRetries: { value: 0 },
	outputMode: { value: 'allInOne' },
	stream: { value: false, field: 'stream', sent: false },
	systemMessage: { value: 'Answer with images only.' },
	timeout: { value: 120 },
};

describe('Chat Image description', () => {
	it('is the operation "Generate with Chat Model" with its action, default model gpt-4o-image and optional input images', () => {
		const operation = node.description.properties.find((p) => p.name === 'operation')!;
		expect((operation.options as INodePropertyOptions[]).find((o) => o.value === 'chat')).toMatchObject({
			name: 'Generate with Chat Model',
			action: 'Generate or edit an image with a chat model',
		});
		const names = chatProperties().map((p) => p.name);
		expect(names).toEqual(['modelId', 'prompt', 'inputImages', 'options']);
		expect(chatProperties().find((p) => p.name === 'modelId')!.default).toEqual({ mode: 'list', value: 'gpt-4o-image' });
		expect(chatProperties().find((p) => p.name === 'inputImages')!.default).toBe('');
		const defaults = Object.fromEntries(chatOptions().map((o) => [o.name, o.default]));
		expect(defaults).toMatchObject({ stream: true, failWhenNoImage: true, maxDownloadSize: 50, timeout: 300 });
	});

	it('every Chat Image option is covered by the body test below', () => {
		expect(chatOptions().map((o) => o.name).sort()).toEqual(Object.keys(CHAT_OPTIONS).sort());
	});

	it('every option set through the node arrives in the body or does its job', async () => {
		const input = makeWebp(8, 8);
		answerChat((_request, context) => ({
			content: `![a](${context.imageHost.publish('cdn/a.png', makePng(8, 8, 1))}) ![image](${dataUri(makePng(8, 8, 2))})`,
		}));
		const options = Object.fromEntries(Object.entries(CHAT_OPTIONS).map(([name, o]) => [name, o.value]));
		const { error, output } = await fake.run(
			{ modelId: model('gemini-2.5-flash-image', 'id'), prompt: 'a lighthouse', inputImages: 'sketch', options },
			{ input: [{ binary: { sketch: { data: input, mimeType: 'image/webp', fileName: 'sketch.webp' } } }] },
		);
		expect(error).toBeUndefined();
		const expected: Record<string, unknown> = {
			model: 'gemini-2.5-flash-image',
			messages: [
				{ role: 'system', content: 'Answer with images only.' },
				{
					role: 'user',
					content: [
						{ type: 'text', text: 'a lighthouse' },
						{ type: 'image_url', image_url: { url: `data:image/webp;base64,${input.toString('base64')}` } },
					],
				},
			],
			max_tokens: 4000,
		};
		for (const option of Object.values(CHAT_OPTIONS)) {
			if (option.field) expected[option.field] = option.sent;
		}
		expect(fake.api.requests[0].json).toEqual(expected);
		// All in one item, under the field asked for.
		expect(output).toHaveLength(1);
		expect(Object.keys(output[0].binary!)).toEqual(['picture', 'picture_1']);
		expect(await binaryBuffer(output[0].binary!.picture)).toEqual(makePng(8, 8, 1));
	});

	it('Additional Body Fields win over the options, and a stream they ask for is read as a stream', async () => {
		const { error, output } = await fake.run({
			options: { stream: false, additionalBodyFields: '{"stream": true, "n": 1}' },
		});
		expect(error).toBeUndefined();
		expect(fake.api.requests[0].json).toMatchObject({ stream: true, n: 1 });
		expect(output).toHaveLength(1);
	});

	it('Additional Body Fields that are not a JSON object stop the item before any request', async () => {
		const { error } = await fake.run({ options: { additionalBodyFields: '[1, 2]' } });
		expect(error?.message).toBe('Additional Body Fields (JSON) must be a JSON object');
		expect(fake.api.requests).toHaveLength(0);
	});
});
