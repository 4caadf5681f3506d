import { API_KEY, type FakeReply } from '../../../helpers/fake-cometapi';
import { binaryBuffer, runCometApi } from '../../../helpers/harness';
import { makePng, makeWebp } from '../../../helpers/images';
import { generateFailingWith, runGenerate, useFakeCometApi } from '../../../helpers/setup';

const api = useFakeCometApi();

/** CometAPI's error envelope, as a relay sends it with HTTP 200. */
const errorIn200: FakeReply = {
	json: {
		error: {
			message: 'Your request was rejected by the safety system (request id: 2025abc)',
			type: 'comet_api_error',
			param: '',
			code: 'moderation_blocked',
		},
	},
};

describe('Images API replies', () => {
	it('a 200 reply with no data list is a clear error', async () => {
		api.override(() => ({ json: { created: 1 } }));
		const { error } = await runGenerate(api);
		expect(error!.message).toBe('CometAPI’s reply holds no images (no "data" list)');
	});

	it('an entry with neither b64_json nor url is a clear error', async () => {
		api.override(() => ({ json: { created: 1, data: [{ revised_prompt: 'x' }] } }));
		const { error } = await runGenerate(api);
		expect(error!.message).toBe('Image 1 in CometAPI’s reply has neither "b64_json" nor "url"');
	});

	it('invalid base64 is a clear error, not a broken file', async () => {
		api.override(() => ({ json: { created: 1, data: [{ b64_json: 'iVBOR%%%not-base64***' }] } }));
		const { error } = await runGenerate(api);
		expect(error!.message).toBe('Image 1 in CometAPI’s reply is not valid base64');
	});

	it.each([
		['200 with no data', { json: { created: 1 } }, /^CometAPI’s reply holds no images \(no "data" list\)$/],
		['data with neither b64_json nor url', { json: { data: [{ foo: 1 }] } }, /^Image 1 in CometAPI’s reply has neither "b64_json" nor "url"$/],
		['invalid base64', { json: { data: [{ b64_json: '%%%' }] } }, /^Image 1 in CometAPI’s reply is not valid base64$/],
	] as Array<[string, FakeReply, RegExp]>)('%s: 1 attempt and a clear error', async (_case, reply, message) => {
		expect((await generateFailingWith(api, reply)).message).toMatch(message);
	});

	it('b64_json carrying a data:image/...;base64, prefix decodes to the image', async () => {
		const png = makePng(8, 8, 5);
		const webp = makeWebp(8, 8);
		api.override(() => ({
			json: {
				created: 1,
				data: [
					{ b64_json: `data:image/png;base64,${png.toString('base64')}` },
					{ b64_json: `data:image/webp;base64,${webp.toString('base64')}` },
				],
			},
		}));
		const { output, error } = await runGenerate(api);
		expect(error).toBeUndefined();
		expect(output.map((item) => item.binary!.data.mimeType)).toEqual(['image/png', 'image/webp']);
		expect(output.map((item) => item.binary!.data.fileName)).toEqual(['image_1.png', 'image_2.webp']);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(png);
		expect(await binaryBuffer(output[1].binary!.data)).toEqual(webp);
	});

	it('Generate: an HTTP 200 whose body is {"error": {...}} quotes CometAPI’s message and code', async () => {
		const error = await generateFailingWith(api, errorIn200);
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe('Your request was rejected by the safety system (request id: 2025abc)');
		expect(error.description).toContain('code moderation_blocked');
		expect(error.context).toMatchObject({ apiErrorCode: 'moderation_blocked' });
	});

	it('Edit: an HTTP 200 whose body is {"error": {...}} quotes CometAPI’s message and code (continueOnFail item)', async () => {
		api.override((request) => (request.path === '/v1/images/edits' ? errorIn200 : undefined));
		const { output, error } = await runCometApi({
			parameters: { resource: 'image', operation: 'edit', prompt: 'make the sky blue' },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: [{ binary: { data: { data: makePng(16, 16), fileName: 'photo.png', mimeType: 'image/png' } } }],
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({
			error: 'Your request was rejected by the safety system (request id: 2025abc)',
			code: 'moderation_blocked',
			itemIndex: 0,
		});
	});
});
