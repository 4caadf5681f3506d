/** Width and height of an image in pixels. */
export interface ImageSize {
	width: number;
	height: number;
}

/** JPEG markers with no length field after them (TEM, RST0–RST7, SOI). */
function isStandaloneJpegMarker(marker: number): boolean {
	return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

/** Start-of-frame markers (SOF0–SOF15, except DHT, JPG and DAC, which share the range). */
function isJpegFrameMarker(marker: number): boolean {
	return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegSize(data: Buffer): ImageSize | undefined {
	let offset = 2;
	while (offset + 4 <= data.length) {
		if (data[offset] !== 0xff) return undefined;
		const marker = data[offset + 1];
		if (marker === 0xff) {
			offset += 1; // fill byte
			continue;
		}
		if (isStandaloneJpegMarker(marker)) {
			offset += 2;
			continue;
		}
		// End of image or start of scan before any frame header: no size to find.
		if (marker === 0xd9 || marker === 0xda) return undefined;
		const length = data.readUInt16BE(offset + 2);
		if (length < 2) return undefined;
		if (isJpegFrameMarker(marker)) {
			if (offset + 9 > data.length) return undefined;
			return { height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
		}
		offset += 2 + length;
	}
	return undefined;
}

function webpSize(data: Buffer): ImageSize | undefined {
	const chunk = data.toString('latin1', 12, 16);
	if (chunk === 'VP8X' && data.length >= 30) {
		return { width: 1 + data.readUIntLE(24, 3), height: 1 + data.readUIntLE(27, 3) };
	}
	if (chunk === 'VP8 ' && data.length >= 30) {
		// Frame tag (3 bytes) at 20, start code 9d 01 2a, then 14-bit width and height.
		if (data[23] !== 0x9d || data[24] !== 0x01 || data[25] !== 0x2a) return undefined;
		return { width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff };
	}
	if (chunk === 'VP8L' && data.length >= 25) {
		if (data[20] !== 0x2f) return undefined;
		const bits = data.readUInt32LE(21);
		return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
	}
	return undefined;
}

/**
 * Reads the pixel size from the headers of a PNG, JPEG, WEBP (VP8, VP8L, VP8X) or GIF file, without
 * decoding it. `data` may be only the start of the file; undefined when the size is not in it, or
 * the format is not one of these.
 */
export function readImageSize(data: Buffer): ImageSize | undefined {
	if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47 && data.toString('latin1', 12, 16) === 'IHDR') {
		return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
	}
	if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) return jpegSize(data);
	if (data.length >= 16 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') {
		return webpSize(data);
	}
	if (data.length >= 10 && /^GIF8[79]a$/.test(data.toString('latin1', 0, 6))) {
		return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
	}
	return undefined;
}
