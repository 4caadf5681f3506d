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

/** Any character but the base64 alphabet's: white space, padding, or something invalid. */
const NOT_A_SYMBOL = /[^A-Za-z0-9+/_-]/;

/** What a strict base64 reading has counted so far. */
interface Base64Count {
	symbols: number;
	padding: number;
}

/**
 * Counts the symbols and padding of a piece of base64 text into `count`; false when the piece is
 * invalid: a character outside the alphabet and white space, more than two "=", or data after one.
 * A piece of symbols only (nearly always) is checked by one regular expression, five times faster
 * than a loop over its characters.
 */
function countBase64(text: string, count: Base64Count): boolean {
	if (!NOT_A_SYMBOL.test(text)) {
		if (count.padding > 0 && text.length > 0) return false; // data after "="
		count.symbols += text.length;
		return true;
	}
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (isBase64Char(code)) {
			if (count.padding > 0) return false; // data after "="
			count.symbols++;
		} else if (code === 61) {
			if (++count.padding > 2) return false;
		} else if (code !== 32 && code !== 10 && code !== 13 && code !== 9) {
			return false;
		}
	}
	return true;
}

/**
 * Decodes base64 image data strictly: Buffer.from() silently skips bad characters, which would
 * turn a broken reply into a broken file. Returns undefined when the text is not valid base64.
 */
export function decodeBase64(text: string): Buffer | undefined {
	const count = { symbols: 0, padding: 0 };
	if (!countBase64(text, count) || count.symbols === 0 || count.symbols % 4 === 1) return undefined;
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

/** The most characters a `data:<type>;base64,` prefix may take before the base64 starts. */
const DATA_URI_HEAD_MAX = 256;

/** Base64 text decoded piece by piece (Base64Decoder): the bytes, or undefined when it was not valid base64. */
export class DecodedBase64 {
	constructor(
		readonly data: Buffer | undefined,
		/** The type a `data:<type>;base64,` prefix named. */
		readonly mimeType?: string,
		/** The whole buffer `data` is a view of: to decode into again once `data` is no longer needed. */
		readonly block?: Buffer,
	) {}
}

/** The first block of a decoder told nothing of the size; it doubles as the bytes come. */
const FIRST_BLOCK_BYTES = 64 * 1024;

/**
 * Decodes base64 text given in pieces (an image read from a reply as it arrives), so neither the
 * text nor more than one piece of it is held: the bytes are decoded as they come. The same rules as
 * decodeBase64 (and splitDataUri for a data URI prefix): one invalid character makes the whole
 * value invalid.
 */
export class Base64Decoder {
	/** Where the bytes are decoded to (see the constructor). */
	private block: Buffer | undefined;

	private blockBytes = 0;

	/**
	 * `space`: the most bytes the text can decode to, when known, or a buffer to decode into. The
	 * bytes are decoded into one buffer, which the result is a view of: no piece is made per chunk
	 * and no copy joins them. Its pages become resident only as they are written, so a generous
	 * bound costs address space, not memory. Without one, or when it proves short, the buffer is
	 * doubled as the bytes come (each doubling a copy of what is decoded so far).
	 */
	constructor(space: number | Buffer = 0) {
		if (typeof space !== 'number') this.block = space;
		else if (space > 0) this.block = Buffer.allocUnsafeSlow(space);
	}

	/** Symbols left over from the last piece (fewer than 4), decoded with the next. */
	private carry = '';

	/** The first characters, held until it is known whether they are a data URI prefix. */
	private head: string | undefined = '';

	private mimeType: string | undefined;

	private readonly count: Base64Count = { symbols: 0, padding: 0 };

	private invalid = false;

	write(text: string): void {
		if (this.invalid || text === '') return;
		if (this.head === undefined) return this.decode(text);
		this.head += text;
		const start = this.head.trimStart();
		const mayBePrefix = /^data:/i.test(start) || 'data:'.startsWith(start.slice(0, 5).toLowerCase());
		if (!mayBePrefix || this.head.includes(',') || this.head.length > DATA_URI_HEAD_MAX) this.decodeHead();
	}

	end(): DecodedBase64 {
		if (this.head !== undefined) this.decodeHead();
		const { symbols } = this.count;
		if (this.invalid || symbols === 0 || symbols % 4 === 1) return new DecodedBase64(undefined);
		if (this.carry !== '') this.emit(this.carry);
		const block = this.block!; // emit() made it: there was at least one symbol
		this.block = undefined;
		return new DecodedBase64(block.subarray(0, this.blockBytes), this.mimeType, block);
	}

	/** Decodes the held first characters, after their data URI prefix if they have one. */
	private decodeHead(): void {
		const { base64, mimeType } = splitDataUri(this.head ?? '');
		this.head = undefined;
		this.mimeType = mimeType;
		this.decode(base64);
	}

	private decode(text: string): void {
		const before = this.count.symbols;
		if (!countBase64(text, this.count)) return this.fail();
		const symbols = this.carry + (this.count.symbols - before === text.length ? text : text.replace(/[\s=]+/g, ''));
		const whole = symbols.length - (symbols.length % 4);
		if (whole > 0) this.emit(symbols.slice(0, whole));
		this.carry = symbols.slice(whole);
	}

	/** Decodes symbols (a multiple of 4, or the last few) into the block, doubled first if it has no room. */
	private emit(symbols: string): void {
		const needed = this.blockBytes + Math.ceil((symbols.length * 3) / 4);
		if (!this.block || needed > this.block.length) {
			// Slow (never from Node's shared pool): the whole buffer is the decoder's to hand on.
			const larger = Buffer.allocUnsafeSlow(Math.max(needed, 2 * (this.block?.length ?? 0), FIRST_BLOCK_BYTES));
			this.block?.copy(larger, 0, 0, this.blockBytes);
			this.block = larger;
		}
		this.blockBytes += this.block.write(symbols, this.blockBytes, 'base64');
	}

	private fail(): void {
		this.invalid = true;
		this.carry = '';
		this.block = undefined;
	}
}
