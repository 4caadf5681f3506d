import { API_KEY, errorReply, startImageHost, type FakeReply } from '../../../helpers/fake-cometapi';
import { runCometApi } from '../../../helpers/harness';
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

	/** Generate answers with a URL on the fake API's own host, whose downloads answer `download(n)` (n from 1). */
	function imageUrlAnswering(download: (attempt: number) => FakeReply): string {
		const url = `${new URL(api.baseUrl).origin}/files/result.png`;
		let downloads = 0;
		api.override((request) => {
			if (request.path === '/v1/images/generations') return { json: { data: [{ url }] } };
			if (request.path === '/files/result.png') return download(++downloads);
			return undefined;
		});
		return url;
	}
	const downloads = () => api.requests.filter((r) => r.path === '/files/result.png').length;
	const png = { raw: makePng(4, 4), headers: { 'content-type': 'image/png' } };

	it.each<[string, FakeReply, Record<string, unknown>]>([
		['a 503', errorReply(503, 'busy'), {}],
		['a reset connection', { destroy: true }, {}],
		['a timeout', { delayMs: 5000, ...png }, { timeout: 1 }],
	])('%s, then the image: the download (a GET) is retried with backoff', async (_case, failure, options) => {
		imageUrlAnswering((attempt) => (attempt === 1 ? failure : png));
		const { output, error } = await runGenerate(api, options);
		expect(error).toBeUndefined();
		expect(downloads()).toBe(2);
		expect(output[0].binary?.data.mimeType).toBe('image/png');
		// The generation itself was sent once.
		expect(api.requests.filter((r) => r.path === '/v1/images/generations')).toHaveLength(1);
	});

	it('a download failing on every attempt: the error item carries the URL, so the image is not lost', async () => {
		const url = imageUrlAnswering(() => errorReply(502, 'bad gateway'));
		const { output } = await runGenerate(api, { maxRetries: 1 }, { continueOnFail: true });
		expect(downloads()).toBe(2);
		expect(output[0].json).toMatchObject({
			error: `Downloading the image from ${new URL(url).host} failed with HTTP 502 (after 2 attempts)`,
			url,
		});
		expect(output[0].json.description).toContain(url);
	});

	it('a download that outruns Timeout on every attempt says so, naming the option (not a connection fault)', async () => {
		const url = imageUrlAnswering(() => ({ delayMs: 3000, ...png }));
		const { output } = await runGenerate(api, { timeout: 1, maxRetries: 1 }, { continueOnFail: true });
		expect(downloads()).toBe(2);
		expect(output[0].json).toMatchObject({
			error: `Downloading the image from ${new URL(url).host} failed: no answer within 1 s (the Timeout option) (after 2 attempts)`,
			url,
			reason: 'download',
		});
	});

	it.each([
		['image/avif', 'avif'],
		['image/bmp', 'bmp'],
		['image/tiff', 'tiff'],
		['image/svg+xml', 'svg'],
	])('an image served as %s keeps its declared type and extension', async (contentType, extension) => {
		imageUrlAnswering(() => ({ raw: Buffer.from('not a sniffable image format'), headers: { 'content-type': contentType } }));
		const { output, error } = await runGenerate(api);
		expect(error).toBeUndefined();
		expect(output[0].binary?.data).toMatchObject({ mimeType: contentType, fileName: `image_1.${extension}` });
	});

	it.each(['generate', 'edit'])('%s: Max Download Size caps URL results too, and the error names the option', async (operation) => {
		api.override((request) =>
			request.path.startsWith('/v1/images/')
				? { json: { data: [{ url: `${new URL(api.baseUrl).origin}/files/big.png` }] } }
				: request.path === '/files/big.png'
					? { raw: Buffer.concat([makePng(4, 4), Buffer.alloc(1.5 * 1024 * 1024)]), headers: { 'content-type': 'image/png' } }
					: undefined,
		);
		const { error } = await runCometApi({
			parameters: { resource: 'image', operation, prompt: 'a lighthouse', options: { maxDownloadSize: 1 } },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			input: [{ binary: { data: { data: makePng(8, 8), fileName: 'in.png', mimeType: 'image/png' } } }],
		});
		expect(error!.message).toBe(`The image at ${new URL(api.baseUrl).host} is larger than 1 MB (Max Download Size)`);
		expect(error!.description).toContain('Raise Max Download Size (MB)');
	});
});
