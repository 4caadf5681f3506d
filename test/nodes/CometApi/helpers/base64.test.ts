import { Base64Decoder, DecodedBase64, decodeBase64, splitDataUri } from '../../../../nodes/CometApi/helpers/base64';
import { makeNoisePng, makePng } from '../../../helpers/images';

describe('decodeBase64', () => {
	it('decodes standard and URL-safe base64, with or without line breaks', () => {
		const png = makePng(3, 3);
		expect(decodeBase64(png.toString('base64'))).toEqual(png);
		expect(decodeBase64(png.toString('base64').replace(/(.{20})/g, '$1\n'))).toEqual(png);
		expect(decodeBase64(png.toString('base64url'))).toEqual(png);
	});

	it.each(['', '   ', 'abc%def', 'a', 'iVBOR***', '====abcd'])('refuses %p', (text) => {
		expect(decodeBase64(text)).toBeUndefined();
	});
});

describe('splitDataUri', () => {
	it.each([
		['data:image/png;base64,iVBORw0K', { base64: 'iVBORw0K', mimeType: 'image/png' }],
		[' data:image/WEBP;charset=x;base64,UklG', { base64: 'UklG', mimeType: 'image/webp' }],
		['iVBORw0K', { base64: 'iVBORw0K' }],
		['data:image/png,raw', { base64: 'data:image/png,raw' }],
	])('%p', (text, expected) => {
		expect(splitDataUri(text)).toEqual(expected);
	});
});

describe('Base64Decoder', () => {
	/** Gives the text in pieces of `size` characters (to a decoder told the most it decodes to, if `capacity`). */
	function decodeInPieces(text: string, size: number, capacity = 0) {
		const decoder = new Base64Decoder(capacity);
		for (let at = 0; at < text.length; at += size) decoder.write(text.slice(at, at + size));
		return decoder.end();
	}

	const png = makePng(7, 5);
	const prefixed = `data:image/png;base64,${png.toString('base64')}`;

	it.each([1, 2, 3, 5, 64, 10_000])('decodes what decodeBase64 decodes, in pieces of %p characters', (size) => {
		for (const text of [
			png.toString('base64'),
			png.toString('base64url'),
			png.toString('base64').replace(/(.{19})/g, '$1\r\n'),
			png.toString('base64').replace(/=+$/, ''),
		]) {
			const decoded = decodeInPieces(text, size);
			expect(decoded).toBeInstanceOf(DecodedBase64);
			expect(decoded.data).toEqual(decodeBase64(text));
			expect(decoded.mimeType).toBeUndefined();
		}
	});

	it.each([1, 3, 64, 10_000])('told the most it decodes to, decodes into one buffer of that size, in pieces of %p characters', (size) => {
		for (const text of [png.toString('base64'), png.toString('base64url').replace(/=+$/, ''), prefixed]) {
			const decoded = decodeInPieces(text, size, png.length + 100);
			expect(decoded.data).toEqual(png);
			// a view of the one buffer: no piece per chunk, no joining copy
			expect(decoded.data!.buffer.byteLength).toBeGreaterThanOrEqual(png.length + 100);
		}
	});

	it.each([1, 64, 10_000])('a bound that proves short: the buffer grows and still decodes it all (pieces of %p)', (size) => {
		const decoded = decodeInPieces(png.toString('base64'), size, 10);
		expect(decoded.data).toEqual(png);
		expect(decoded.block!.subarray(0, png.length)).toEqual(png);
	});

	it('told nothing of the size, decodes into one buffer that doubles as the bytes come, handed on whole', () => {
		const big = makeNoisePng(300, 300, 5);
		const text = big.toString('base64');
		const decoder = new Base64Decoder();
		for (let at = 0; at < text.length; at += 65_536) decoder.write(text.slice(at, at + 65_536));
		const { data, block } = decoder.end();
		expect(data).toEqual(big);
		expect(data!.buffer).toBe(block!.buffer);
		expect(block!.byteOffset).toBe(0);
		expect(block!.length).toBe(block!.buffer.byteLength);
		expect(block!.length).toBeLessThan(2 * big.length);
	});

	it('decodes into a buffer it is given, and grows past it when it proves short', () => {
		const given = Buffer.alloc(png.length + 10);
		const fits = new Base64Decoder(given);
		fits.write(png.toString('base64'));
		expect(fits.end().block).toBe(given);
		const short = new Base64Decoder(Buffer.alloc(8));
		short.write(png.toString('base64'));
		expect(short.end().data).toEqual(png);
	});

	it('invalid text told a bound is still refused', () => {
		expect(decodeInPieces(`${png.toString('base64').slice(0, 20)}*`, 4, 1000).data).toBeUndefined();
	});

	it.each([1, 4, 7, 30, 10_000])('reads a data URI prefix cut into pieces of %p characters', (size) => {
		const decoded = decodeInPieces(prefixed, size);
		expect(decoded.data).toEqual(png);
		expect(decoded.mimeType).toBe('image/png');
		expect(decodeInPieces(` data:image/WEBP;base64,${png.toString('base64')}`, size).mimeType).toBe('image/webp');
	});

	it.each([1, 3, 10_000])('refuses what decodeBase64 refuses, in pieces of %p characters', (size) => {
		for (const text of ['', '   ', 'abc%def', 'a', 'iVBOR***', '====abcd', 'abcd=e', 'ab===', 'data:image/png,raw', `${png.toString('base64')}"`]) {
			expect(decodeBase64(text)).toBeUndefined();
			expect(decodeInPieces(text, size).data).toBeUndefined();
		}
	});

	it('decodes megabytes given in 64 KB pieces', () => {
		const big = Buffer.alloc(3 * 1024 * 1024, 7);
		const text = big.toString('base64');
		const decoder = new Base64Decoder();
		for (let at = 0; at < text.length; at += 65_536) decoder.write(text.slice(at, at + 65_536));
		expect(decoder.end().data?.equals(big)).toBe(true);
	});
});
