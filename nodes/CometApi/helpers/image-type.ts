/** An image format recognised from its first bytes. */
export interface ImageType {
	mimeType: string;
	extension: string;
}

export const PNG: ImageType = { mimeType: 'image/png', extension: 'png' };
export const JPEG: ImageType = { mimeType: 'image/jpeg', extension: 'jpeg' };
export const WEBP: ImageType = { mimeType: 'image/webp', extension: 'webp' };
export const GIF: ImageType = { mimeType: 'image/gif', extension: 'gif' };

/** Sniffs PNG, JPEG, WEBP and GIF from the bytes; undefined for anything else. */
export function detectImageType(data: Buffer): ImageType | undefined {
	if (data.length >= 8 && data.readUInt32BE(0) === 0x89504e47 && data.readUInt32BE(4) === 0x0d0a1a0a) {
		return PNG;
	}
	if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return JPEG;
	if (
		data.length >= 12 &&
		data.toString('latin1', 0, 4) === 'RIFF' &&
		data.toString('latin1', 8, 12) === 'WEBP'
	) {
		return WEBP;
	}
	if (data.length >= 6 && /^GIF8[79]a$/.test(data.toString('latin1', 0, 6))) return GIF;
	return undefined;
}

/** The image type named by an output format or MIME type (`jpeg`, `jpg`, `image/webp`…). */
export function imageTypeFromName(name: string | undefined): ImageType | undefined {
	const value = (name ?? '').toLowerCase().split(';')[0].trim().replace(/^image\//, '');
	switch (value) {
		case 'png':
			return PNG;
		case 'jpg':
		case 'jpeg':
			return JPEG;
		case 'webp':
			return WEBP;
		case 'gif':
			return GIF;
		default:
			return undefined;
	}
}

/** The formats' names for a message: "PNG, JPEG or WEBP". */
export function imageTypeNames(types: readonly ImageType[]): string {
	const names = types.map((type) => type.extension.toUpperCase());
	return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names.join('');
}

/**
 * Whether a PNG has an alpha channel: colour type 4 or 6 (grey or colour with alpha), or a tRNS
 * chunk (which comes before the image data). Undefined when `data` is not a PNG or ends before
 * that is known.
 */
export function pngHasAlpha(data: Buffer): boolean | undefined {
	if (detectImageType(data) !== PNG || data.length < 26 || data.toString('latin1', 12, 16) !== 'IHDR') return undefined;
	const colourType = data[25];
	if (colourType === 4 || colourType === 6) return true;
	for (let offset = 8; offset + 8 <= data.length; offset += 12 + data.readUInt32BE(offset)) {
		const chunk = data.toString('latin1', offset + 4, offset + 8);
		if (chunk === 'tRNS') return true;
		if (chunk === 'IDAT' || chunk === 'IEND') return false;
	}
	return undefined;
}

const DECLARED_EXTENSIONS: Record<string, string> = {
	'svg+xml': 'svg',
	'x-icon': 'ico',
	'vnd.microsoft.icon': 'ico',
	'x-ms-bmp': 'bmp',
};

/**
 * The type an image host declared (`image/avif`, `image/bmp`…), kept as declared with its extension;
 * undefined when it is not an image type.
 */
export function imageTypeFromContentType(contentType: string | undefined): ImageType | undefined {
	const match = /^image\/([a-z0-9.+-]+)$/.exec((contentType ?? '').toLowerCase().split(';')[0].trim());
	if (!match) return undefined;
	const subtype = match[1];
	return (
		imageTypeFromName(subtype) ?? {
			mimeType: `image/${subtype}`,
			extension: DECLARED_EXTENSIONS[subtype] ?? subtype.replace(/^x-/, '').replace(/\+.*$/, ''),
		}
	);
}
