import { decodeBase64 } from './base64';
import { detectImageType } from './image-type';
import { asRecord } from './record';

/*
 * Finds the images in a chat completion's reply message. Image models answer through
 * /chat/completions in several shapes, all of which are handled here:
 *
 * - `content` as an array of parts: `{ type: 'image_url', image_url: { url } }` (the URL may be raw
 *   base64 without its `data:` prefix) and `{ type: 'text', text }`;
 * - `message.images[]` (`{ type: 'image_url', image_url: { url } }`);
 * - `data:image/…;base64,…` URIs in the text, bare or as `![image](data:…)` (Gemini models);
 * - Markdown image links `![id](https://…)` (gpt-4o-image and the other "-all" models);
 * - Markdown links and bare URLs to image files (`.png`, `.jpg`, `.jpeg`, `.webp`, `.gif`).
 *
 * Links and bare URLs count only when the reply holds no image in the other forms: gpt-4o-image's
 * progress line links the same picture (`[100](https://…/src_0.png)`) as its final `![…](…)`.
 * Repeated images and the "download" twin of an image link are dropped; the order of appearance
 * is kept. Pure: no I/O, nothing downloaded or decoded beyond a few bytes to name a raw image's type.
 */

/** One image found in a reply: a `data:` URI (inline) or an http(s) URL. */
export interface FoundImage {
	source: string;
	inline: boolean;
}

export interface ParsedChatReply {
	images: FoundImage[];
	/** The reply's text with every `data:` URI removed (base64 never goes into the JSON). */
	text: string;
}

interface Candidate extends FoundImage {
	/** The link's text, for telling "download" links apart. */
	label?: string;
}

const IMAGE_FILE = /\.(?:png|jpe?g|webp|gif)$/i;
const DOWNLOAD_LABEL = /download|下载|下載|скачать/i;
const DATA_IMAGE = /^data:(image\/[a-z0-9.+-]+)((?:;[a-z0-9.+-]+=[^;,]*)*);base64,([\s\S]*)$/i;

// A Markdown image or link: `![alt](target)` / `[text](target)`, with an optional title.
const MARKDOWN_LINK = /(!?)\[([^[\]\n]{0,2000})\]\(\s*<?([^)\s>]+)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/g;
const DATA_URI = /data:image\/[a-z0-9.+-]+(?:;[a-z0-9.+-]+=[^;,\s)]*)*;base64,[A-Za-z0-9+/=_-]+/gi;
const BARE_URL = /https?:\/\/[^\s<>()[\]{}"'`]+/gi;
// What is removed from the text: data URIs of any type, with the Markdown around them.
const MARKDOWN_DATA_LINK = /!?\[[^\]\n]{0,2000}\]\(\s*<?data:[^)]*\)/gi;
const ANY_DATA_URI = /data:[a-z0-9.+-]+\/[a-z0-9.+-]+(?:;[a-z0-9.+-]+=[^;,\s)]*)*;base64,[A-Za-z0-9+/=_-]*/gi;

function httpUrl(text: string): string | undefined {
	try {
		const url = new URL(text);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
	} catch {
		return undefined;
	}
}

/** A `data:image/…;base64,` URI without white space, or undefined when it is not one. */
function dataImageUri(text: string): string | undefined {
	const match = DATA_IMAGE.exec(text.trim());
	if (!match) return undefined;
	return `data:${match[1].toLowerCase()}${match[2]};base64,${match[3].replace(/\s+/g, '')}`;
}

/** The MIME type named by the first bytes of raw base64 image data (PNG when unknown). */
function sniffBase64(base64: string): string {
	const head = decodeBase64(base64.slice(0, 32));
	return (head && detectImageType(head)?.mimeType) ?? 'image/png';
}

/**
 * The source of an image an API handed over as such (an `image_url` part, `message.images[]`):
 * a data URI, an http(s) URL, or raw base64 (which gets its `data:` prefix). Other URL schemes
 * (file:, ftp:…) are ignored.
 */
function structuredSource(value: string): Candidate | undefined {
	const text = value.trim();
	if (text === '') return undefined;
	if (/^data:/i.test(text)) {
		const uri = dataImageUri(text);
		return uri ? { source: uri, inline: true } : undefined;
	}
	if (/^[a-z][a-z0-9+.-]*:/i.test(text)) {
		const url = httpUrl(text);
		return url ? { source: url, inline: false } : undefined;
	}
	// Raw base64. Left for the decoder to refuse if it is not valid base64.
	const compact = text.replace(/\s+/g, '');
	return { source: `data:${sniffBase64(compact)};base64,${compact}`, inline: true };
}

/** The URL in `{ image_url: { url } }`, `{ image_url: '…' }`, `{ url }` or a plain string. */
function imageUrlOf(entry: unknown): string | undefined {
	if (typeof entry === 'string') return entry;
	const record = asRecord(entry);
	if (!record) return undefined;
	const imageUrl = record.image_url ?? record.imageUrl;
	if (typeof imageUrl === 'string') return imageUrl;
	const inner = asRecord(imageUrl);
	if (typeof inner?.url === 'string') return inner.url;
	if (typeof record.url === 'string') return record.url;
	// Gemini-style inline data: { inline_data: { mime_type, data } } / { inlineData: { mimeType, data } }.
	const inline = asRecord(record.inline_data ?? record.inlineData);
	const data = inline?.data;
	const mimeType = inline?.mime_type ?? inline?.mimeType;
	if (typeof data === 'string' && typeof mimeType === 'string' && /^image\//i.test(mimeType)) {
		return `data:${mimeType};base64,${data}`;
	}
	return undefined;
}

interface Found {
	index: number;
	end: number;
	/** Undefined for a link that is not an image (it only claims its place in the text). */
	candidate?: Candidate;
}

function overlaps(found: Found[], index: number, end: number): boolean {
	return found.some((other) => index < other.end && end > other.index);
}

/** Images in a text: data URIs and Markdown image links (`strong`), or links and bare URLs to image files. */
function imagesInText(text: string, strong: boolean): Candidate[] {
	const found: Found[] = [];
	for (const match of text.matchAll(MARKDOWN_LINK)) {
		const [whole, bang, label, target] = match;
		const index = match.index ?? 0;
		const isImage = bang === '!';
		let candidate: Candidate | undefined;
		if (/^data:/i.test(target)) {
			const uri = strong ? dataImageUri(target) : undefined;
			candidate = uri ? { source: uri, inline: true } : undefined;
		} else if (isImage === strong) {
			const url = httpUrl(target);
			if (url && (isImage || IMAGE_FILE.test(new URL(url).pathname))) {
				candidate = { source: url, inline: false, label };
			}
		}
		// Every link is claimed, image or not, so its URL is not found again as a bare URL.
		found.push({ index, end: index + whole.length, candidate });
	}
	const pattern = strong ? DATA_URI : BARE_URL;
	for (const match of text.matchAll(pattern)) {
		const index = match.index ?? 0;
		const end = index + match[0].length;
		if (overlaps(found, index, end)) continue;
		if (strong) {
			found.push({ index, end, candidate: { source: match[0], inline: true } });
			continue;
		}
		const url = httpUrl(match[0].replace(/[.,;:!?]+$/, ''));
		if (url && IMAGE_FILE.test(new URL(url).pathname)) {
			found.push({ index, end, candidate: { source: url, inline: false } });
		}
	}
	return found
		.sort((a, b) => a.index - b.index)
		.flatMap((entry) => (entry.candidate ? [entry.candidate] : []));
}

function fileName(url: string): string {
	const path = new URL(url).pathname;
	return path.slice(path.lastIndexOf('/') + 1);
}

function isDownloadLink(candidate: Candidate): boolean {
	if (candidate.inline) return false;
	const url = new URL(candidate.source);
	return (
		/\/download\//i.test(url.pathname) ||
		/(?:^|[?&])download(?:=|&|$)/i.test(url.search.slice(1)) ||
		DOWNLOAD_LABEL.test(candidate.label ?? '')
	);
}

/** Drops repeats and the "download" twins of image links (same file name), keeping the order. */
function distinct(candidates: Candidate[]): FoundImage[] {
	const seen = new Set<string>();
	const unique = candidates.filter((candidate) => {
		if (seen.has(candidate.source)) return false;
		seen.add(candidate.source);
		return true;
	});
	const viewNames = new Set(
		unique.filter((candidate) => !candidate.inline && !isDownloadLink(candidate)).map((c) => fileName(c.source)),
	);
	return unique
		.filter((candidate) => !(isDownloadLink(candidate) && viewNames.has(fileName(candidate.source))))
		.map(({ source, inline }) => ({ source, inline }));
}

/**
 * The text with data URIs (and the Markdown around them) removed, and the blank lines that leaves
 * tidied. A text without data URIs is returned as it is.
 */
export function removeDataUris(text: string): string {
	const removed = text.replace(MARKDOWN_DATA_LINK, '').replace(ANY_DATA_URI, '');
	if (removed === text) return text;
	return removed
		.replace(/[ \t]+\n/g, '\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

interface Segment {
	text?: string;
	image?: Candidate;
}

/** A message's content and images in the order they stand. */
function segmentsOf(message: unknown): Segment[] {
	const record = asRecord(message) ?? {};
	const segments: Segment[] = [];
	const content = record.content;
	if (typeof content === 'string') segments.push({ text: content });
	else if (Array.isArray(content)) {
		for (const part of content) {
			if (typeof part === 'string') {
				segments.push({ text: part });
				continue;
			}
			const partRecord = asRecord(part);
			if (typeof partRecord?.text === 'string') {
				segments.push({ text: partRecord.text });
				continue;
			}
			const url = imageUrlOf(part);
			const image = url === undefined ? undefined : structuredSource(url);
			if (image) segments.push({ image });
		}
	}
	if (Array.isArray(record.images)) {
		for (const entry of record.images) {
			const url = imageUrlOf(entry);
			const image = url === undefined ? undefined : structuredSource(url);
			if (image) segments.push({ image });
		}
	}
	return segments;
}

/**
 * Parses the reply messages of a chat completion (one per choice): every image in the order it
 * appears, and the text with its data URIs removed.
 */
export function parseChatReply(messages: unknown[]): ParsedChatReply {
	const perMessage = messages.map(segmentsOf);
	const segments = perMessage.flat();
	const pick = (strong: boolean) =>
		segments.flatMap((segment) =>
			segment.image ? (strong ? [segment.image] : []) : imagesInText(segment.text ?? '', strong),
		);
	let candidates = pick(true);
	if (candidates.length === 0) candidates = pick(false);
	const texts = perMessage
		.map((list) =>
			removeDataUris(
				list
					.filter((segment) => segment.text !== undefined)
					.map((segment) => segment.text)
					.join('\n'),
			),
		)
		.filter((text) => text !== '');
	return { images: distinct(candidates), text: texts.join('\n\n') };
}
