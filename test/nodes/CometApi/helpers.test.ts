import { decodeBase64 } from '../../../nodes/CometApi/helpers/base64';
import { detectImageType, imageTypeFromName } from '../../../nodes/CometApi/helpers/image-type';
import { readApiError } from '../../../nodes/CometApi/transport/errors';
import { makeGif, makeJpeg, makePng, makeWebp } from '../../helpers/images';

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

describe('readApiError', () => {
	it('reads the OpenAI-style envelope', () => {
		expect(
			readApiError(400, { error: { message: 'bad size', code: 'invalid_value', type: 'comet_api_error', param: 'size' } }),
		).toEqual({ status: 400, message: 'bad size', code: 'invalid_value', type: 'comet_api_error', param: 'size' });
	});

	it('reads a JSON string body, a bare message, and plain text', () => {
		expect(readApiError(500, '{"error":{"message":"upstream failed"}}').message).toBe('upstream failed');
		expect(readApiError(403, { message: 'forbidden' }).message).toBe('forbidden');
		expect(readApiError(502, 'Bad Gateway').message).toBe('Bad Gateway');
		expect(readApiError(503, '').message).toBe('HTTP 503');
	});

	it('recognises an HTML page', () => {
		expect(readApiError(404, '<html><body>nope</body></html>')).toMatchObject({ code: 'html_response' });
	});
});
