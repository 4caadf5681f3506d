import { type FakeReply } from '../../../helpers/fake-cometapi';
import { generateFailingWith, runGenerate, useFakeCometApi } from '../../../helpers/setup';

const api = useFakeCometApi();

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
});
