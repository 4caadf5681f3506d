import type { INodeProperties } from 'n8n-workflow';

import { CometApi } from '../../../nodes/CometApi/CometApi.node';
import { API_KEY } from '../../helpers/fake-cometapi';
import { model, runCometApi } from '../../helpers/harness';
import { useFakeCometApi } from '../../helpers/setup';

const api = useFakeCometApi();

const node = new CometApi();

function operationProperties(operation: string): INodeProperties[] {
	return node.description.properties.filter((p) => p.displayOptions?.show?.operation?.includes(operation));
}

function optionsCollection(operation: string): INodeProperties[] {
	const collection = operationProperties(operation).find((p) => p.name === 'options');
	return (collection?.options ?? []) as INodeProperties[];
}

/*
 * Every option of Generate Image, the value a test sets through the node's parameters, and what
 * must arrive in the request body (undefined: the option is not a body field).
 */
const GENERATE_OPTIONS: Record<string, { value: unknown; field?: string; sent?: unknown }> = {
	additionalBodyFields: { value: '{"watermark": false, "seed": 42}', field: 'watermark', sent: false },
	background: { value: 'transparent', field: 'background', sent: 'transparent' },
	customSize: { value: '2048x2048', field: 'size', sent: '2048x2048' },
	downloadUrls: { value: true },
	maxConcurrency: { value: 3 },
	maxRetries: { value: 0 },
	moderation: { value: 'low', field: 'moderation', sent: 'low' },
	n: { value: 2, field: 'n', sent: 2 },
	outputCompression: { value: 70, field: 'output_compression', sent: 70 },
	outputFormat: { value: 'webp', field: 'output_format', sent: 'webp' },
	outputMode: { value: 'itemPerImage' },
	binaryPropertyOutput: { value: 'image' },
	quality: { value: 'high', field: 'quality', sent: 'high' },
	responseFormat: { value: 'b64_json', field: 'response_format', sent: 'b64_json' },
	size: { value: 'custom' },
	style: { value: 'natural', field: 'style', sent: 'natural' },
	timeout: { value: 120 },
	user: { value: 'user-42', field: 'user', sent: 'user-42' },
};

describe('Node description', () => {
	it('is a usable-as-tool node with the CometAPI credential, themed icons and a subtitle', () => {
		const { description } = node;
		expect(description.name).toBe('cometApi');
		expect(description.displayName).toBe('CometAPI');
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'cometApi', required: true }]);
		expect(description.icon).toEqual({ light: 'file:cometapi.svg', dark: 'file:cometapi.dark.svg' });
		expect(description.subtitle).toContain('Generate Image');
	});

	it('lists the actions main one first: generate, edit, then the chat model one', () => {
		const operation = node.description.properties.find((p) => p.name === 'operation')!;
		expect(operation.default).toBe('generate');
		expect((operation.options as Array<{ value: string; action: string }>).map((o) => [o.value, o.action])).toEqual([
			['generate', 'Generate an image'],
			['edit', 'Edit an image'],
			['chat', 'Generate or edit an image with a chat model'],
		]);
	});

	it.each([
		['generate', 'gpt-image-1', 'searchImageModels'],
		['edit', 'gpt-image-1', 'searchEditModels'],
		['chat', 'gpt-4o-image', 'searchChatImageModels'],
	])('%s: the model picker offers a list of the models that suit it, and free IDs', (operation, defaultModel, method) => {
		const picker = operationProperties(operation).find((p) => p.name === 'modelId')!;
		expect(picker.type).toBe('resourceLocator');
		expect(picker.default).toEqual({ mode: 'list', value: defaultModel });
		expect(picker.modes!.map((m) => m.name)).toEqual(['list', 'id']);
		expect(picker.modes![0].typeOptions?.searchListMethod).toBe(method);
		expect(typeof (node.methods.listSearch as Record<string, unknown>)[method]).toBe('function');
	});

	it('every Generate Image option is covered by the body test below', () => {
		expect(optionsCollection('generate').map((o) => o.name).sort()).toEqual(Object.keys(GENERATE_OPTIONS).sort());
	});

	it('every Generate Image option set through the node arrives in the body with its API name and value', async () => {
		const options = Object.fromEntries(Object.entries(GENERATE_OPTIONS).map(([name, o]) => [name, o.value]));
		const { error, output } = await runCometApi({
			parameters: {
				resource: 'image',
				operation: 'generate',
				modelId: model('doubao-seedream-4-0-250828', 'id'),
				prompt: 'a lighthouse',
				options,
			},
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		});
		expect(error).toBeUndefined();
		const expected: Record<string, unknown> = { model: 'doubao-seedream-4-0-250828', prompt: 'a lighthouse', seed: 42 };
		for (const option of Object.values(GENERATE_OPTIONS)) {
			if (option.field) expected[option.field] = option.sent;
		}
		expect(api.requests[0].json).toEqual(expected);
		// The options that are not body fields did their job too.
		expect(output).toHaveLength(2);
		expect(Object.keys(output[0].binary!)).toEqual(['image']);
	});

	it('From list and By ID models both arrive as the model field', async () => {
		for (const [mode, id] of [['list', 'gpt-image-1'], ['id', 'my-relay/custom-image-model']] as const) {
			api.reset();
			await runCometApi({
				parameters: { resource: 'image', operation: 'generate', modelId: model(id, mode), prompt: 'x' },
				credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			});
			expect(api.requests[0].json?.model).toBe(id);
		}
	});
});
