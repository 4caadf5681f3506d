/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code */
import { deflateSync } from 'node:zlib';

// Real image files, small and made here, so tests need no fixtures and no image library.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(data: Buffer): number {
	let crc = 0xffffffff;
	for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** A decodable RGBA PNG of the given size, filled with one colour; `seed` varies the colour. */
export function makePng(width = 4, height = 4, seed = 0): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 6; // RGBA
	const row = Buffer.alloc(1 + width * 4);
	for (let x = 0; x < width; x++) {
		row[1 + x * 4] = (seed * 37) & 0xff;
		row[2 + x * 4] = (seed * 91) & 0xff;
		row[3 + x * 4] = 200;
		row[4 + x * 4] = 255;
	}
	const raw = Buffer.concat(Array.from({ length: height }, () => row));
	return Buffer.concat([
		Buffer.from('89504e470d0a1a0a', 'hex'),
		pngChunk('IHDR', header),
		pngChunk('IDAT', deflateSync(raw)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/**
 * A decodable PNG of colour type 0 (grey), 2 (RGB), 4 (grey + alpha) or 6 (RGBA); `trns` adds a
 * tRNS chunk (transparency for a colour or grey image without an alpha channel).
 */
export function makePngOfType(width: number, height: number, colourType: 0 | 2 | 4 | 6, trns = false): Buffer {
	const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType];
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8;
	header[9] = colourType;
	const row = Buffer.alloc(1 + width * channels, 0x80);
	row[0] = 0;
	const raw = Buffer.concat(Array.from({ length: height }, () => row));
	return Buffer.concat([
		Buffer.from('89504e470d0a1a0a', 'hex'),
		pngChunk('IHDR', header),
		...(trns ? [pngChunk('tRNS', colourType === 2 ? Buffer.alloc(6) : Buffer.alloc(2))] : []),
		pngChunk('IDAT', deflateSync(raw)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/** A JPEG whose headers (SOI, JFIF, SOF0 with the size, EOI) are right; `seed` varies the bytes. */
export function makeJpeg(width = 4, height = 4, seed = 0): Buffer {
	const app0 = Buffer.from('ffe000104a46494600010100000100010000', 'hex');
	const sof = Buffer.from('ffc0001108000000000301220002110103110100', 'hex').subarray(0, 19);
	sof.writeUInt16BE(height, 5);
	sof.writeUInt16BE(width, 7);
	const comment = Buffer.concat([Buffer.from('fffe0006', 'hex'), Buffer.from([seed & 0xff, 0, 0, 0])]);
	return Buffer.concat([Buffer.from('ffd8', 'hex'), app0, comment, sof, Buffer.from('ffd9', 'hex')]);
}

/** A WEBP (VP8X) whose canvas size is right. */
export function makeWebp(width = 4, height = 4): Buffer {
	const vp8x = Buffer.alloc(18);
	vp8x.write('VP8X', 0, 'latin1');
	vp8x.writeUInt32LE(10, 4);
	vp8x.writeUIntLE(width - 1, 12, 3);
	vp8x.writeUIntLE(height - 1, 15, 3);
	const riff = Buffer.alloc(12);
	riff.write('RIFF', 0, 'latin1');
	riff.writeUInt32LE(4 + vp8x.length, 4);
	riff.write('WEBP', 8, 'latin1');
	return Buffer.concat([riff, vp8x]);
}

/** A GIF89a header with the logical screen size. */
export function makeGif(width = 4, height = 4): Buffer {
	const header = Buffer.alloc(13);
	header.write('GIF89a', 0, 'latin1');
	header.writeUInt16LE(width, 6);
	header.writeUInt16LE(height, 8);
	return Buffer.concat([header, Buffer.from([0x3b])]);
}

/**
 * A PNG of the given size filled with pseudo-random pixels (deterministic per seed), so it does not
 * compress: width × height × 4 bytes, about the size of a real photo of that many pixels.
 */
export function makeNoisePng(width: number, height: number, seed = 1): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8;
	header[9] = 6;
	const raw = Buffer.alloc(height * (1 + width * 4));
	let state = (seed * 2654435761) >>> 0 || 1;
	for (let offset = 0; offset + 4 <= raw.length; offset += 4) {
		// xorshift32: fast, deterministic noise
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		raw.writeUInt32LE(state >>> 0, offset);
	}
	for (let row = 0; row < height; row++) raw[row * (1 + width * 4)] = 0; // filter byte: none
	return Buffer.concat([
		Buffer.from('89504e470d0a1a0a', 'hex'),
		pngChunk('IHDR', header),
		pngChunk('IDAT', deflateSync(raw, { level: 1 })),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}
