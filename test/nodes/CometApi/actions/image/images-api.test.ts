import { runGenerate, useFakeCometApi } from '../../../../helpers/setup';

const api = useFakeCometApi();

const generations = () => api.requests.filter((r) => r.path === '/v1/images/generations');

/*
 * The request fields of the Images API options (through Generate Image): what is sent, what is
 * dropped, and the combinations refused before any request.
 */
describe('Images API request fields', () => {
	// Options the editor hides (displayOptions inside the collection) do not apply, as in n8n's own nodes.
	it('Output Compression is sent with JPEG or WEBP and dropped while Output Format is PNG or unset', async () => {
		await runGenerate(api, { outputFormat: 'webp', outputCompression: 40 });
		await runGenerate(api, { outputFormat: 'png', outputCompression: 40 });
		await runGenerate(api, { outputCompression: 40 });
		expect(generations().map((r) => r.json)).toEqual([
			{ model: 'gpt-image-1', prompt: 'a lighthouse', output_format: 'webp', output_compression: 40 },
			{ model: 'gpt-image-1', prompt: 'a lighthouse', output_format: 'png' },
			{ model: 'gpt-image-1', prompt: 'a lighthouse' },
		]);
	});

	it('Size (Custom) is sent as the size when Size is Custom and ignored otherwise', async () => {
		await runGenerate(api, { size: 'custom', customSize: ' 1024x1536 ' });
		await runGenerate(api, { size: '1536x1024', customSize: '2048x2048' });
		expect(generations().map((r) => r.json?.size)).toEqual(['1024x1536', '1536x1024']);
	});

	it('never sends response_format to gpt-image-* models (the API would refuse it)', async () => {
		const { error } = await runGenerate(api, { responseFormat: 'url' });
		expect(error).toBeUndefined();
		expect(generations()[0].json).not.toHaveProperty('response_format');
	});
});

describe('Images API options the API would refuse are refused before any request', () => {
	it.each([
		[
			'transparent background with jpeg',
			{ background: 'transparent', outputFormat: 'jpeg' },
			'Item 0: Background "Transparent" cannot be used with Output Format "JPEG"',
		],
		// the editor offers Output Compression only for JPEG or WEBP; an expression can still say png
		[
			'output compression with an expression resolving to png',
			{ outputCompression: 50, outputFormat: '={{ "png" }}' },
			'Item 0: Output Compression works only with Output Format "JPEG" or "WEBP"',
		],
		['Custom size without a value', { size: 'custom' }, 'Item 0: Size is "Custom" but Size (Custom) is empty'],
		[
			'Size (Custom) with an expression resolving to a preset size',
			{ size: '={{ "1024x1024" }}', customSize: '2048x2048' },
			'Item 0: Size (Custom) is set but Size is "1024x1024"',
		],
	])('%s', async (_case, options, message) => {
		const { error } = await runGenerate(api, options);
		expect(error!.message).toBe(message);
		expect(error!.context).toMatchObject({ itemIndex: 0 });
		expect(error!.description).toBeTruthy();
		expect(api.requests).toHaveLength(0);
	});
});
