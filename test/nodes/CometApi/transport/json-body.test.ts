import { randomBytes } from 'node:crypto';

import { Base64Value, holdsBase64, JsonBody } from '../../../../nodes/CometApi/transport/json-body';

/*
 * A JSON body with input images in it, written as it is sent: the same JSON as JSON.stringify of
 * the body with each image's base64 text in place, its size exact (it is the Content-Length), its
 * images read piece by piece from a Blob of any chunking.
 */

/** A Blob whose stream() hands out its bytes in pieces of `chunk` bytes. */
function chunkedBlob(data: Buffer, chunk: number): Blob {
	return new Blob(Array.from({ length: Math.ceil(data.length / chunk) }, (_, index) => data.subarray(index * chunk, (index + 1) * chunk)));
}

async function written(body: JsonBody): Promise<Buffer> {
	const pieces: Uint8Array[] = [];
	for await (const piece of body.stream()) pieces.push(piece);
	return Buffer.concat(pieces);
}

describe('JsonBody', () => {
	it.each([0, 1, 2, 3, 4, 5, 100, 196_607, 196_608, 196_609, 1_000_003])('a %i-byte image: the JSON is as JSON.stringify writes it, its size exact', async (length) => {
		const image = randomBytes(length);
		const body = new JsonBody({
			prompt: 'a "quoted" lighthouse \u0000 ✓',
			base64Array: [new Base64Value(chunkedBlob(image, 7001), 'data:image/png;base64,'), new Base64Value(new Blob([image]))],
			nested: { image: new Base64Value(chunkedBlob(image, 65_536)), n: 2 },
		});
		const text = await written(body);
		expect(text.length).toBe(body.size);
		const base64 = image.toString('base64');
		expect(JSON.parse(text.toString('utf8'))).toEqual({
			prompt: 'a "quoted" lighthouse \u0000 ✓',
			base64Array: [`data:image/png;base64,${base64}`, base64],
			nested: { image: base64, n: 2 },
		});
	});

	it('is written again for each attempt', async () => {
		const body = new JsonBody({ image: new Base64Value(new Blob([Buffer.from('abc')])) });
		expect((await written(body)).toString()).toBe('{"image":"YWJj"}');
		expect(await body.text()).toBe('{"image":"YWJj"}');
	});

	it('an image whose stream gives other than its size fails the request instead of sending a wrong body', async () => {
		const liar = new Blob([Buffer.from('abcdef')]);
		Object.defineProperty(liar, 'size', { value: 9 });
		const body = new JsonBody({ image: new Base64Value(liar) });
		await expect(written(body)).rejects.toThrow('An input image changed size while it was sent (6 bytes, not 9)');
	});

	it('holdsBase64 finds a value anywhere in plain objects and arrays, and nowhere else', () => {
		const value = new Base64Value(new Blob([]));
		expect(holdsBase64({ a: [{ b: value }] })).toBe(true);
		expect(holdsBase64({ a: [{ b: 'text' }] })).toBe(false);
		expect(holdsBase64(new FormData())).toBe(false);
	});
});
