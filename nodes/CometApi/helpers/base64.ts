const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_URL = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * Decodes base64 image data strictly: Buffer.from() silently skips bad characters, which would
 * turn a broken reply into a broken file. Returns undefined when the text is not valid base64.
 */
export function decodeBase64(text: string): Buffer | undefined {
	const compact = text.replace(/\s+/g, '');
	if (compact.length === 0 || compact.length % 4 === 1) return undefined;
	if (BASE64.test(compact)) return Buffer.from(compact, 'base64');
	if (BASE64_URL.test(compact)) return Buffer.from(compact, 'base64url');
	return undefined;
}
