import { API_KEY, type FakeReply } from '../../../helpers/fake-cometapi';
import { runCometApi } from '../../../helpers/harness';
import { generateFailingWith, runGenerate, useFakeCometApi } from '../../../helpers/setup';

const api = useFakeCometApi();

describe('JSON replies', () => {
	it('an HTML page instead of JSON says to check the Base URL', async () => {
		api.override(() => ({ status: 200, text: '<!doctype html><html><body>Welcome</body></html>', headers: { 'content-type': 'text/html' } }));
		const { error } = await runGenerate(api);
		expect(error!.message).toBe('CometAPI answered with an HTML page instead of JSON');
		expect(error!.description).toContain('Base URL');
	});

	it('an HTML error page (a wrong path) also says to check the Base URL', async () => {
		const { error } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: 'x' },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl.replace(/\/v1$/, '/wrong') },
		});
		expect(error!.httpCode).toBe('404');
		expect(error!.message).toContain('HTML page');
		expect(error!.description).toContain('Base URL');
	});

	it.each([
		['malformed JSON', { raw: Buffer.from('{"created": 1, "data": ['), headers: { 'content-type': 'application/json' } }, /^CometAPI answered with something that is not a JSON object/],
		['an HTML page', { text: '<html><body>Cloudflare</body></html>', headers: { 'content-type': 'text/html' } }, /^CometAPI answered with an HTML page instead of JSON$/],
	] as Array<[string, FakeReply, RegExp]>)('%s: 1 attempt and a clear error', async (_case, reply, message) => {
		expect((await generateFailingWith(api, reply)).message).toMatch(message);
	});
});
