import { runEditChain } from '../../helpers/edit-chain';
import { API_KEY } from '../../helpers/fake-cometapi';
import { parseMultipart } from '../../helpers/fake-edits';
import { binaryBuffer, runCometApi, type InputItem } from '../../helpers/harness';
import { makeJpeg, makePng, makeWebp } from '../../helpers/images';
import { useFakeCometApi } from '../../helpers/setup';

// n8n's default binary mode on a server: input binaries are files, read in chunks as streams.
const api = useFakeCometApi({ filesystemBinaryMode: true });

function edit(input: InputItem[], parameters: Record<string, unknown> = {}) {
	return runCometApi({
		parameters: { resource: 'image', operation: 'edit', prompt: 'make it brighter', ...parameters },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		input,
	});
}

describe('Edit Image in filesystem binary mode', () => {
	it('Read Files → Edit Image → Write Files: file-backed binaries in, a file-backed binary out', async () => {
		const { run, output } = await runEditChain(api);
		const source = run.data.resultData.runData.Source[0].data!.main[0]![0];
		expect(source.binary!.data.id).toMatch(/^filesystem-v2:/);
		expect(output[0].binary!.data.id).toMatch(/^filesystem-v2:/);
	});

	it('sends three file-backed images as image[] byte for byte, with a sniffed type for octet-stream', async () => {
		const files = { a: makePng(16, 16, 1), b: makeJpeg(16, 16, 2), c: makeWebp(16, 16) };
		const { output, error } = await edit(
			[
				{
					binary: {
						a: { data: files.a, fileName: 'a.png', mimeType: 'image/png' },
						b: { data: files.b, fileName: 'b.jpg', mimeType: 'image/jpeg' },
						c: { data: files.c, fileName: 'c.webp', mimeType: 'application/octet-stream' },
					},
				},
			],
			{ imageProperties: 'c,a,b' },
		);
		expect(error).toBeUndefined();
		const form = await parseMultipart(api.requests[0]);
		expect(form.files).toEqual([
			{ field: 'image[]', fileName: 'c.webp', mimeType: 'image/webp', data: files.c },
			{ field: 'image[]', fileName: 'a.png', mimeType: 'image/png', data: files.a },
			{ field: 'image[]', fileName: 'b.jpg', mimeType: 'image/jpeg', data: files.b },
		]);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(makePng(8, 8, 1));
	});

	it('streams a 20 MB file-backed input into the request byte for byte', async () => {
		const big = Buffer.concat([makePng(2048, 2048, 3), Buffer.alloc(20 * 1024 * 1024, 9), Buffer.from('end')]);
		const { error } = await edit([{ binary: { data: { data: big, fileName: 'big.png', mimeType: 'image/png' } } }]);
		expect(error).toBeUndefined();
		const [file] = (await parseMultipart(api.requests[0])).files;
		expect(file.data.length).toBe(big.length);
		expect(file.data.equals(big)).toBe(true);
	});

	it('reads the size of a file-backed mask and first image from their headers', async () => {
		const { error } = await edit(
			[
				{
					binary: {
						data: { data: makeJpeg(640, 480), fileName: 'p.jpg', mimeType: 'image/jpeg' },
						mask: { data: makePng(480, 640), fileName: 'm.png', mimeType: 'image/png' },
					},
				},
			],
			{ options: { maskProperty: 'mask' } },
		);
		expect(error!.message).toBe('Item 0: the mask in "mask" is 480x640 but the first image "data" is 640x480');
		expect(api.requests).toHaveLength(0);
	});

	it.each([
		['not an image', Buffer.from('%PDF-1.7 not an image'), 'application/pdf', 'Item 0: the file in "data" is not an image (doc.pdf, application/pdf)'],
		['empty', Buffer.alloc(0), 'image/png', 'Item 0: the file in "data" is empty'],
	])('refuses a file-backed input that is %s, before any request', async (_case, data, mimeType, message) => {
		const { error } = await edit([{ binary: { data: { data, fileName: 'doc.pdf', mimeType } } }]);
		expect(error!.message).toBe(message);
		expect(api.requests).toHaveLength(0);
	});
});
