import { API_KEY, startImageHost, type FakeReply } from '../../../helpers/fake-cometapi';
import { makePng } from '../../../helpers/images';
import { generateFailingWith, runGenerate, useFakeCometApi } from '../../../helpers/setup';

const api = useFakeCometApi();

describe('Downloads of result images', () => {
	it.each([
		['a URL that is not http(s)', { json: { data: [{ url: 'file:///etc/passwd' }] } }, /^The image URL "file:\/\/\/etc\/passwd" is not an http\(s\) URL$/],
	] as Array<[string, FakeReply, RegExp]>)('%s: 1 attempt and a clear error', async (_case, reply, message) => {
		expect((await generateFailingWith(api, reply)).message).toMatch(message);
	});

	it('an expired image URL (404 at the image host) names the host', async () => {
		api.override(() => ({ json: { data: [{ url: `${api.imageHost.origin}/cdn/expired.png` }] } }));
		const { error } = await runGenerate(api);
		expect(error!.message).toBe(`Downloading the image from ${new URL(api.imageHost.origin).host} failed with HTTP 404`);
	});

	it('image downloads never carry the Authorization header, redirects to another host included', async () => {
		const otherHost = await startImageHost();
		try {
			const finalUrl = otherHost.publish('final.png', makePng(3, 3), 'image/png');
			api.override(() => ({ json: { data: [{ url: api.imageHost.redirect('moved.png', finalUrl) }] } }));
			const { output, error } = await runGenerate(api);
			expect(error).toBeUndefined();
			expect(output[0].binary?.data).toBeDefined();
			expect(api.imageHost.requests).toHaveLength(1);
			expect(otherHost.requests).toHaveLength(1);
			for (const request of [...api.imageHost.requests, ...otherHost.requests]) {
				expect(request.headers.authorization).toBeUndefined();
				expect(JSON.stringify(request.headers)).not.toContain(API_KEY);
			}
		} finally {
			await otherHost.close();
		}
	});
});
