import { decodeBase64, splitDataUri } from '../../../../nodes/CometApi/helpers/base64';
import { makePng } from '../../../helpers/images';

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
