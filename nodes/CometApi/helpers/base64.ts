/** Is the character code one of base64's (standard or URL-safe) alphabet? */
function isBase64Char(code: number): boolean {
	return (
		(code >= 65 && code <= 90) || // A-Z
		(code >= 97 && code <= 122) || // a-z
		(code >= 48 && code <= 57) || // 0-9
		code === 43 || // +
		code === 47 || // /
		code === 45 || // - (URL-safe)
		code === 95 // _ (URL-safe)
	);
}

/**
 * Decodes base64 image data strictly: Buffer.from() silently skips bad characters, which would
 * turn a broken reply into a broken file. Returns undefined when the text is not valid base64.
 * One pass over the text (images are megabytes of base64; a regular expression was 4× slower).
 */
export function decodeBase64(text: string): Buffer | undefined {
	let symbols = 0;
	let padding = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (isBase64Char(code)) {
			if (padding > 0) return undefined; // data after "="
			symbols++;
		} else if (code === 61) {
			if (++padding > 2) return undefined;
		} else if (code !== 32 && code !== 10 && code !== 13 && code !== 9) {
			return undefined;
		}
	}
	if (symbols === 0 || symbols % 4 === 1) return undefined;
	// Node's base64 decoder takes both alphabets and skips the white space counted out above.
	return Buffer.from(text, 'base64');
}

const DATA_URI_PREFIX = /^\s*data:([^;,]*)((?:;[^;,]*)*);base64,/i;

/**
 * Base64 text that may carry a `data:<type>;base64,` prefix (chat replies; some relays put it in
 * `b64_json` too): the base64 after the prefix, and the type the prefix names.
 */
export function splitDataUri(text: string): { base64: string; mimeType?: string } {
	const match = DATA_URI_PREFIX.exec(text);
	if (!match) return { base64: text };
	return { base64: text.slice(match[0].length), mimeType: match[1].trim().toLowerCase() || undefined };
}
