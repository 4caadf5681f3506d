import { detectImageType, imageTypeFromName } from '../../../../nodes/CometApi/helpers/image-type';
import { makeGif, makeJpeg, makePng, makeWebp } from '../../../helpers/images';

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
