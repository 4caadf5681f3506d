import { API_KEY } from '../../../helpers/fake-cometapi';
import { model, runCometApi } from '../../../helpers/harness';
import { useFakeCometApi } from '../../../helpers/setup';

const api = useFakeCometApi();

/** Runs Generate Image with these parameters (the prompt "a lighthouse" unless given). */
function generate(parameters: Record<string, unknown>) {
	return runCometApi({
		parameters: { resource: 'image', operation: 'generate', prompt: 'a lighthouse', ...parameters },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
	});
}

describe('Shared parameters', () => {
	it('From list and By ID models both arrive as the model field', async () => {
		for (const [mode, id] of [['list', 'gpt-image-1'], ['id', 'my-relay/custom-image-model']] as const) {
			api.reset();
			await generate({ modelId: model(id, mode) });
			expect(api.requests[0].json?.model).toBe(id);
		}
	});

	it.each([
		['an empty prompt', { prompt: '   ' }, 'Item 0: the Prompt is empty'],
		['a model expression that resolves to nothing', { modelId: model('={{ $json.missing }}', 'id') }, 'Item 0: the Model is empty'],
		[
			'invalid Additional Body Fields JSON',
			{ options: { additionalBodyFields: '{"watermark": fals' } },
			'Additional Body Fields (JSON) is not valid JSON',
		],
		[
			'Additional Body Fields that are not an object',
			{ options: { additionalBodyFields: '[1, 2]' } },
			'Additional Body Fields (JSON) must be a JSON object',
		],
		['an empty output field name', { options: { binaryPropertyOutput: ' ' } }, 'Item 0: Put Output in Field is empty'],
	])('%s is refused before any request', async (_case, parameters, message) => {
		const { error } = await generate(parameters);
		expect(error).toBeDefined();
		expect(error!.message).toBe(message);
		expect(error!.context).toMatchObject({ itemIndex: 0 });
		expect(error!.description).toBeTruthy();
		expect(api.requests).toHaveLength(0);
	});
});
