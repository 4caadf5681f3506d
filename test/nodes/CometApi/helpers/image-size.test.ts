import { readImageSize } from '../../../../nodes/CometApi/helpers/image-size';
import { makeGif, makeJpeg, makePng, makeWebp } from '../../../helpers/images';

function riff(chunkType: string, payload: Buffer): Buffer {
	const chunk = Buffer.alloc(8);
	chunk.write(chunkType, 0, 'latin1');
	chunk.writeUInt32LE(payload.length, 4);
	const header = Buffer.alloc(12);
	header.write('RIFF', 0, 'latin1');
	header.writeUInt32LE(4 + 8 + payload.length, 4);
	header.write('WEBP', 8, 'latin1');
	return Buffer.concat([header, chunk, payload]);
}

/** A lossy WEBP header: frame tag, start code 9d 01 2a, 14-bit width and height (scale bits set). */
function makeVp8(width: number, height: number): Buffer {
	const payload = Buffer.alloc(10);
	payload.writeUIntLE(0x000000, 0, 3);
	payload.set([0x9d, 0x01, 0x2a], 3);
	payload.writeUInt16LE(width | 0x4000, 6);
	payload.writeUInt16LE(height | 0x8000, 8);
	return riff('VP8 ', payload);
}

/** A lossless WEBP header: signature 0x2f, then width-1 and height-1 in 14 bits each. */
function makeVp8l(width: number, height: number): Buffer {
	const payload = Buffer.alloc(5);
	payload[0] = 0x2f;
	payload.writeUInt32LE(((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14), 1);
	return riff('VP8L', payload);
}

/** A JPEG whose frame header comes after an APP1 (EXIF-like) segment and a DQT, as cameras write them. */
function makeCameraJpeg(width: number, height: number, frameMarker = 0xc2): Buffer {
	const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0x10, 0x02]), Buffer.alloc(0x1000, 0xab)]);
	const dqt = Buffer.concat([Buffer.from([0xff, 0xdb, 0x00, 0x43]), Buffer.alloc(0x41, 1)]);
	const sof = Buffer.from([0xff, frameMarker, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03]);
	sof.writeUInt16BE(height, 5);
	sof.writeUInt16BE(width, 7);
	return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, Buffer.from([0xff]), dqt, sof, Buffer.alloc(9), Buffer.from([0xff, 0xd9])]);
}

describe('readImageSize', () => {
	it.each([
		['PNG', makePng(1536, 1024), 1536, 1024],
		['JPEG (baseline)', makeJpeg(640, 480), 640, 480],
		['JPEG (progressive, after APP1 and DQT, with a fill byte)', makeCameraJpeg(4032, 3024), 4032, 3024],
		['WEBP VP8X', makeWebp(1024, 1536), 1024, 1536],
		['WEBP VP8 (lossy)', makeVp8(800, 600), 800, 600],
		['WEBP VP8L (lossless)', makeVp8l(16383, 1), 16383, 1],
		['GIF', makeGif(320, 200), 320, 200],
	])('reads %s', (_name, data, width, height) => {
		expect(readImageSize(data)).toEqual({ width, height });
	});

	it('reads the size from the start of a file only', () => {
		expect(readImageSize(makePng(300, 200).subarray(0, 24))).toEqual({ width: 300, height: 200 });
		expect(readImageSize(makeCameraJpeg(50, 60).subarray(0, 0x1060))).toEqual({ width: 50, height: 60 });
	});

	it.each([
		['text', Buffer.from('hello world, not an image')],
		['empty', Buffer.alloc(0)],
		['a PNG cut before IHDR ends', makePng(10, 10).subarray(0, 20)],
		['a JPEG cut before its frame header', makeCameraJpeg(10, 10).subarray(0, 0x800)],
		['a JPEG whose scan starts before any frame header', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 0, 0, 0, 0, 0, 0])],
		['a JPEG with a broken segment', Buffer.from([0xff, 0xd8, 0x12, 0x34, 0x00, 0x08, 0, 0, 0, 0, 0, 0])],
		['a DHT is not a frame header', Buffer.from([0xff, 0xd8, 0xff, 0xc4, 0x00, 0x02, 0xff, 0xd9, 0, 0, 0, 0])],
		['a RIFF WAVE file', Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x44\xac\x00\x00', 'latin1')],
		['a VP8 frame without its start code', Buffer.concat([makeVp8(8, 8).subarray(0, 23), Buffer.alloc(8)])],
	])('gives undefined for %s', (_name, data) => {
		expect(readImageSize(data)).toBeUndefined();
	});
});
