import { sleep, type IBinaryData, type IExecuteFunctions } from 'n8n-workflow';

import { StoredBase64, storingDiversion } from '../../../../nodes/CometApi/helpers/stored-base64';
import { makeJpeg, makeNoisePng, makePng } from '../../../helpers/images';

/** A context whose binary store records each file it is given. */
function storeContext() {
	const files: Array<{ name: string; mimeType: string; bytes: Buffer }> = [];
	const context = {
		helpers: {
			prepareBinaryData: async (bytes: Buffer, name: string, mimeType: string): Promise<IBinaryData> => {
				files.push({ name, mimeType, bytes });
				return { data: 'filesystem-v2', mimeType, fileName: name, fileExtension: name.split('.').pop(), bytes: bytes.length };
			},
		},
	} as unknown as IExecuteFunctions;
	return { context, files };
}

/** Writes `text` to a new sink in pieces of `size` characters and ends it. */
function feed(diversion: ReturnType<typeof storingDiversion>, text: string, size: number): StoredBase64 {
	const sink = diversion.open('b64_json');
	for (let at = 0; at < text.length; at += size) sink.write(text.slice(at, at + size));
	return sink.end() as StoredBase64;
}

describe('storingDiversion: images decoded into the binary store as they arrive', () => {
	it.each([1, 3, 7, 64, 100000])('stores the exact bytes, typed from the bytes, numbered in reply order (pieces of %i characters)', async (size) => {
		const { context, files } = storeContext();
		const diversion = storingDiversion(context, ['b64_json']);
		const png = makePng(40, 30, 1);
		const jpeg = makeJpeg(20, 20, 2);
		const first = feed(diversion, png.toString('base64'), size);
		const second = feed(diversion, `data:image/jpeg;base64,${jpeg.toString('base64')}`, size);
		expect((await first.binary!).bytes).toBe(png.length);
		expect((await second.binary!).bytes).toBe(jpeg.length);
		expect(files).toEqual([
			{ name: 'image_1.png', mimeType: 'image/png', bytes: png },
			{ name: 'image_2.jpeg', mimeType: 'image/jpeg', bytes: jpeg },
		]);
	});

	it('names bytes it cannot tell by the data URI type, else the Output Format asked for', async () => {
		const { context, files } = storeContext();
		const diversion = storingDiversion(context, ['b64_json'], 'webp');
		const unknown = Buffer.alloc(100, 7);
		await feed(diversion, `data:image/png;base64,${unknown.toString('base64')}`, 10).binary;
		await feed(diversion, unknown.toString('base64'), 10).binary;
		expect(files.map(({ name, mimeType }) => ({ name, mimeType }))).toEqual([
			{ name: 'image_1.png', mimeType: 'image/png' },
			{ name: 'image_2.webp', mimeType: 'image/webp' },
		]);
	});

	it('an image is stored as soon as its string ends, before the next one is read', () => {
		const { context, files } = storeContext();
		const diversion = storingDiversion(context, ['b64_json']);
		feed(diversion, makePng(40, 30, 1).toString('base64'), 100);
		expect(files.map((file) => file.name)).toEqual(['image_1.png']);
		const next = diversion.open('b64_json');
		next.write(makePng(40, 30, 2).toString('base64').slice(0, 40));
		expect(files).toHaveLength(1);
	});

	it('with the rest of the reply known, an image is decoded into one buffer bounded by it (no pieces joined)', () => {
		const { context, files } = storeContext();
		const png = makeNoisePng(64, 64, 1); // larger than Node's small-buffer pool
		const text = png.toString('base64');
		const sink = storingDiversion(context, ['b64_json']).open('b64_json', text.length + 40);
		for (let at = 0; at < text.length; at += 1000) sink.write(text.slice(at, at + 1000));
		sink.end();
		expect(files[0].bytes).toEqual(png);
		expect(files[0].bytes.buffer.byteLength).toBe(Math.ceil(((text.length + 40) * 3) / 4));
	});

	it('invalid base64: nothing is stored, and the image has no binary', () => {
		const { context, files } = storeContext();
		const text = makePng(40, 30, 1).toString('base64');
		const stored = feed(storingDiversion(context, ['b64_json']), `${text.slice(0, 120)}*${text.slice(120)}`, 16);
		expect(stored.binary).toBeUndefined();
		expect(files).toEqual([]);
	});

	it('a store that fails is the image’s error when it is awaited, not an unhandled rejection', async () => {
		const context = { helpers: { prepareBinaryData: async () => await Promise.reject(new Error('disk full')) } } as unknown as IExecuteFunctions;
		const stored = feed(storingDiversion(context, ['b64_json']), makePng(4, 4, 1).toString('base64'), 8);
		await sleep(10);
		await expect(stored.binary).rejects.toThrow('disk full');
	});
});
