import { sleep } from 'n8n-workflow';

import { FAKE_SVG } from '../../../../helpers/fake-bria';
import { useFakeTaskApis } from '../../../../helpers/fake-tasks';
import { binaryBuffer } from '../../../../helpers/harness';

const fake = useFakeTaskApis();
const { api } = fake;

const generate = (parameters: Record<string, unknown> = {}) => fake.run('bria', 'generateVector', { prompt: 'a flat icon of a paper plane', ...parameters });

describe('Bria, Generate Vector (text-to-vector)', () => {
	it('sends sync: true to {host}/bria/text-to-vector; each SVG is a binary image/svg+xml named .svg', async () => {
		const { error, output } = await generate({ aspectRatio: '1:1', options: { numResults: 2 } });
		expect(error).toBeUndefined();
		expect(fake.sent('/bria')).toEqual(['POST /bria/text-to-vector']);
		expect(api.requests[0].json).toEqual({ prompt: 'a flat icon of a paper plane', num_results: 2, aspect_ratio: '1:1', sync: true });
		expect(output).toHaveLength(2);
		expect(output[0].binary!.data).toMatchObject({ mimeType: 'image/svg+xml', fileName: 'image_1.svg', fileExtension: 'svg' });
		expect((await binaryBuffer(output[0].binary!.data)).toString('utf8')).toBe(FAKE_SVG);
		expect(output[0].json).toMatchObject({ format: 'svg', imageCount: 2 });
	});

	it('an SVG served with a generic content type is still recognised by its content', async () => {
		const { error, output } = await generate({ options: { additionalBodyFields: '{"sync": false}' } });
		expect(error).toBeUndefined();
		expect(output[0].binary!.data).toMatchObject({ mimeType: 'image/svg+xml', fileExtension: 'svg' });
	});

	it('a link whose file is not an SVG fails the item, naming the vector', async () => {
		api.override((request) =>
			request.path === '/bria/text-to-vector' ? { json: { result: [{ urls: [api.imageHost.publish('not-svg.txt', Buffer.from('hello'), 'text/plain')] }] } } : undefined,
		);
		const { error } = await generate();
		expect(error?.message).toMatch(/The file downloaded for vector 1 is not an SVG/);
	});
});

describe('Bria, Generate Vector: a file made in the background', () => {
	it('a link that is not there yet (404) is looked at again until the SVG is there', async () => {
		const url = `${api.imageHost.origin}/late/vector-1.svg`;
		api.override((request) => (request.path === '/bria/text-to-vector' ? { json: { result: [{ urls: [url] }] } } : undefined));
		void sleep(500).then(() => api.imageHost.publish('late/vector-1.svg', Buffer.from(FAKE_SVG), 'image/svg+xml'));
		const { error, output } = await generate();
		expect(error).toBeUndefined();
		expect((await binaryBuffer(output[0].binary!.data)).toString('utf8')).toBe(FAKE_SVG);
		expect(api.imageHost.requests.filter((r) => r.path === '/late/vector-1.svg').length).toBeGreaterThanOrEqual(2);
	}, 20_000);
});
