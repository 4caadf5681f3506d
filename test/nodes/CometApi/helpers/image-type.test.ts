import { detectImageType, imageTypeFromName, imageTypeNames, JPEG, PNG, pngHasAlpha, WEBP } from '../../../../nodes/CometApi/helpers/image-type';
import { makeGif, makeJpeg, makePng, makePngOfType, makeWebp } from '../../../helpers/images';

describe('detectImageType', () => {
	it.each([
		['PNG', makePng(), 'image/png', 'png'],
		['JPEG', makeJpeg(), 'image/jpeg', 'jpeg'],
		['WEBP', makeWebp(), 'image/webp', 'webp'],
		['GIF', makeGif(), 'image/gif', 'gif'],
	])('recognises %s', (_name, data, mimeType, extension) => {
		expect(detectImageType(data)).toEqual({ mimeType, extension });
	});

	it.each([
		['text', Buffer.from('hello world')],
		['HTML', Buffer.from('<!doctype html>')],
		['empty', Buffer.alloc(0)],
		['a RIFF that is not WEBP', Buffer.from('RIFF\x00\x00\x00\x00WAVEfmt ', 'latin1')],
	])('returns undefined for %s', (_name, data) => {
		expect(detectImageType(data)).toBeUndefined();
	});

	it('maps names and MIME types to image types', () => {
		expect(imageTypeFromName('jpg')?.mimeType).toBe('image/jpeg');
		expect(imageTypeFromName('image/webp; charset=binary')?.extension).toBe('webp');
		expect(imageTypeFromName('application/octet-stream')).toBeUndefined();
	});
});

describe('pngHasAlpha', () => {
	it.each<[string, Buffer, boolean | undefined]>([
		['RGBA (colour type 6)', makePngOfType(4, 4, 6), true],
		['grey + alpha (colour type 4)', makePngOfType(4, 4, 4), true],
		['RGB with tRNS', makePngOfType(4, 4, 2, true), true],
		['RGB', makePngOfType(4, 4, 2), false],
		['grey', makePngOfType(4, 4, 0), false],
		['a JPEG', makeJpeg(4, 4), undefined],
		['a PNG cut off before its image data', makePngOfType(4, 4, 2).subarray(0, 33), undefined],
	])('%s: %p', (_case, data, expected) => {
		expect(pngHasAlpha(data)).toBe(expected);
	});
});

describe('imageTypeNames', () => {
	it('lists formats for a message', () => {
		expect(imageTypeNames([PNG, JPEG, WEBP])).toBe('PNG, JPEG or WEBP');
		expect(imageTypeNames([PNG])).toBe('PNG');
	});
});
