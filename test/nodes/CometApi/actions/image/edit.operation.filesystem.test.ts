import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

import { runEditChain } from '../../../../helpers/edit-chain';
import { API_KEY, errorReply, type FakeReply } from '../../../../helpers/fake-cometapi';
import { parseMultipart } from '../../../../helpers/fake-edits';
import { binaryBuffer, runCometApi, type InputItem } from '../../../../helpers/harness';
import { makeJpeg, makeNoisePng, makePng, makeWebp } from '../../../../helpers/images';
import { failFirst as failFirstAt, useFakeCometApi } from '../../../../helpers/setup';

/*
 * n8n's default binary mode on a server: input binaries are files, read in chunks as streams. The
 * faults: a retried multipart request is sent again whole, failures are reported per item, and
 * large inputs go through.
 */
const api = useFakeCometApi({ filesystemBinaryMode: true });

function edit(input: InputItem[], parameters: Record<string, unknown> = {}, continueOnFail = false) {
	return runCometApi({
		parameters: { resource: 'image', operation: 'edit', prompt: 'make it brighter', ...parameters },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		input,
		continueOnFail,
	});
}

const EDITS = '/v1/images/edits';
const attempts = () => api.requests.filter((r) => r.path === EDITS);
const failFirst = (times: number, reply: FakeReply) => failFirstAt(api, times, reply, EDITS);

const oneImage = (seed = 1): InputItem[] => [{ binary: { data: { data: makePng(16, 16, seed), fileName: 'in.png', mimeType: 'image/png' } } }];

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
		expect(error!.message).toBe('Item 0: the mask in "mask" (Mask Binary Field) is 480x640 but the first image "data" is 640x480');
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

describe('Edit Image in filesystem binary mode: faults', () => {
	it('429 then success: the multipart body is sent again whole (same parts, same bytes)', async () => {
		failFirst(1, { ...errorReply(429, 'Rate limit reached'), headers: { 'retry-after': '0' } });
		const input: InputItem[] = [
			{
				binary: {
					a: { data: makePng(16, 16, 1), fileName: 'a.png', mimeType: 'image/png' },
					b: { data: makePng(16, 16, 2), fileName: 'b.png', mimeType: 'image/png' },
				},
			},
		];
		const { output, error } = await edit(input, { imageProperties: 'a, b' });
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		const [first, second] = attempts();
		expect(attempts()).toHaveLength(2);
		const [one, two] = await Promise.all([parseMultipart(first), parseMultipart(second)]);
		expect(two.order).toEqual(one.order);
		expect(two.files.map((f) => [f.field, f.fileName, f.data])).toEqual([
			['image[]', 'a.png', makePng(16, 16, 1)],
			['image[]', 'b.png', makePng(16, 16, 2)],
		]);
		expect(one.files.map((f) => f.data)).toEqual(two.files.map((f) => f.data));
	});

	it('503 forever: 3 attempts, then CometAPI’s message and the attempt count', async () => {
		api.override(() => errorReply(503, 'No available channel for model gpt-image-1', 'model_not_available'));
		const { error } = await edit(oneImage());
		expect(attempts()).toHaveLength(3);
		expect(error!.message).toMatch(/^No available channel for model gpt-image-1 \(request id: [^)]+\) \(after 3 attempts\)$/);
		expect(error!.httpCode).toBe('503');
	});

	it('413 is not retried and says to send smaller images', async () => {
		api.override(() => errorReply(413, 'Request Entity Too Large'));
		const { error } = await edit(oneImage());
		expect(attempts()).toHaveLength(1);
		expect(error!.description).toContain('smaller');
	});

	it('a connection reset while uploading is retried and then succeeds', async () => {
		failFirst(1, { destroy: true });
		const { output, error } = await edit(oneImage());
		expect(error).toBeUndefined();
		expect(attempts()).toHaveLength(2);
		expect(output[0].binary?.data).toBeDefined();
	});

	it('continueOnFail over three items (an API failure, a bad input, a success): no item lost', async () => {
		api.override((request) => (request.body.includes(makePng(16, 16, 1)) ? errorReply(400, 'Invalid image: could not be decoded') : undefined));
		const input: InputItem[] = [
			...oneImage(1),
			{ binary: { other: { data: makePng(16, 16, 2), fileName: 'x.png', mimeType: 'image/png' } } },
			...oneImage(3),
		];
		const { output, error } = await edit(input, {}, true);
		expect(error).toBeUndefined();
		expect(attempts()).toHaveLength(2);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json).toMatchObject({ error: expect.stringMatching(/^Invalid image: could not be decoded/), httpCode: '400', itemIndex: 0 });
		expect(output[1].json).toMatchObject({ error: expect.stringContaining('no binary property "data"'), itemIndex: 1 });
		expect(output[2].binary?.data).toBeDefined();
	});

	it('16 images of 4 MB in filesystem binary mode: one request carrying all 64 MB, byte for byte', async () => {
		const big = (seed: number) => {
			const data = Buffer.alloc(4 * 1024 * 1024, seed);
			makePng(64, 64, seed).copy(data); // a real PNG header in front; the rest is payload
			return data;
		};
		const binary = Object.fromEntries(
			Array.from({ length: 16 }, (_, i) => [`img${i}`, { data: big(i + 1), fileName: `img${i}.png`, mimeType: 'image/png' }]),
		);
		const { output, error } = await edit([{ binary }], {
			imageProperties: Object.keys(binary).join(','),
			options: { n: 4 },
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(4);
		expect(attempts()).toHaveLength(1);
		const parts = await parseMultipart(attempts()[0]);
		expect(parts.files).toHaveLength(16);
		for (const [i, file] of parts.files.entries()) {
			expect(file.field).toBe('image[]');
			expect(file.data.length).toBe(4 * 1024 * 1024);
			expect(file.data.equals(big(i + 1))).toBe(true);
		}
	});
});

describe('Edit Image streams its inputs from the binary store', () => {
	/** Counts the reads of n8n's binary store (getBinaryStream) by binary id while `body` runs, and the bytes each id gave. */
	async function countingStoreReads<T>(
		body: () => Promise<T>,
	): Promise<{ result: T; reads: Map<string, number>; bytes: Map<string, number> }> {
		const reads = new Map<string, number>();
		const bytes = new Map<string, number>();
		const service = Container.get(BinaryDataService);
		const original = service.getAsStream.bind(service);
		const spy = jest.spyOn(service, 'getAsStream').mockImplementation(async (id, chunkSize) => {
			reads.set(id, (reads.get(id) ?? 0) + 1);
			const stream = await original(id, chunkSize);
			// Counted as the reader takes the chunks: a reader that stops early takes no more.
			const read = stream.read.bind(stream);
			stream.read = (size?: number) => {
				const chunk = read(size) as Buffer | null;
				if (chunk) bytes.set(id, (bytes.get(id) ?? 0) + chunk.length);
				return chunk;
			};
			return stream;
		});
		try {
			return { result: await body(), reads, bytes };
		} finally {
			spy.mockRestore();
		}
	}

	const twoImages = (): InputItem[] => [
		{
			binary: {
				a: { data: makePng(300, 200, 1), fileName: 'a.png', mimeType: 'image/png' },
				b: { data: makeJpeg(64, 64, 2), fileName: 'b.jpg', mimeType: 'image/jpeg' },
			},
		},
	];

	it('each file is read from the store once for its checks and once more while the request is written, with a Content-Length', async () => {
		const { result, reads } = await countingStoreReads(() => edit(twoImages(), { imageProperties: 'a, b' }));
		expect(result.error).toBeUndefined();
		expect([...reads.values()]).toEqual([2, 2]);
		const [request] = attempts();
		expect(request.headers['content-length']).toBe(String(request.body.length));
		expect(request.headers['transfer-encoding']).toBeUndefined();
		const form = await parseMultipart(request);
		expect(form.order).toEqual(['model', 'prompt', 'image[]', 'image[]']);
		expect(form.files).toEqual([
			{ field: 'image[]', fileName: 'a.png', mimeType: 'image/png', data: makePng(300, 200, 1) },
			{ field: 'image[]', fileName: 'b.jpg', mimeType: 'image/jpeg', data: makeJpeg(64, 64, 2) },
		]);
	});

	it('the checks read only the first bytes of a file; the request reads it whole', async () => {
		const large = makeNoisePng(1024, 768);
		expect(large.length).toBeGreaterThan(1024 * 1024);
		const { result, reads, bytes } = await countingStoreReads(() =>
			edit([{ binary: { data: { data: large, fileName: 'large.png', mimeType: 'image/png' } } }]),
		);
		expect(result.error).toBeUndefined();
		expect([...reads.values()]).toEqual([2]);
		// One chunk (64 KB) for the checks, the whole file for the request: not the file twice.
		const [read] = [...bytes.values()];
		expect(read).toBeGreaterThanOrEqual(large.length);
		expect(read).toBeLessThanOrEqual(large.length + 64 * 1024);
		expect((await parseMultipart(attempts()[0])).files[0].data.equals(large)).toBe(true);
	});

	it('a store that records no size: the file is read through once for its checks, and sent whole', async () => {
		const large = makeNoisePng(1024, 768);
		const service = Container.get(BinaryDataService);
		const getMetadata = service.getMetadata.bind(service);
		const spy = jest.spyOn(service, 'getMetadata').mockImplementation(async (id) => ({ ...(await getMetadata(id)), fileSize: undefined as unknown as number }));
		try {
			const { result, bytes } = await countingStoreReads(() =>
				edit([{ binary: { data: { data: large, fileName: 'large.png', mimeType: 'image/png' } } }]),
			);
			expect(result.error).toBeUndefined();
			expect([...bytes.values()]).toEqual([2 * large.length]);
			expect((await parseMultipart(attempts()[0])).files[0].data.equals(large)).toBe(true);
		} finally {
			spy.mockRestore();
		}
	});

	it('a retry after a 500 sends the full body again, rebuilt from the store', async () => {
		failFirst(1, errorReply(500, 'upstream error'));
		const { result, reads } = await countingStoreReads(() => edit(twoImages(), { imageProperties: 'a, b' }));
		expect(result.error).toBeUndefined();
		expect(attempts()).toHaveLength(2);
		// Once for the checks, once per attempt.
		expect([...reads.values()]).toEqual([3, 3]);
		const [first, second] = attempts();
		expect(second.body.length).toBe(first.body.length);
		expect(second.headers['content-length']).toBe(String(second.body.length));
		const [one, two] = await Promise.all([parseMultipart(first), parseMultipart(second)]);
		expect(two).toEqual(one);
		expect(two.files.map((file) => file.data)).toEqual([makePng(300, 200, 1), makeJpeg(64, 64, 2)]);
	});
});
