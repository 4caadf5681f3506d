import type { IDataObject } from 'n8n-workflow';

import type { StringDiversion } from '../transport';
import { Base64Decoder, DecodedBase64 } from './base64';
import { asRecord } from './record';

/*
 * Reading a Gemini `generateContent` reply (Google's GenerateContentResponse, which CometAPI passes
 * through): the images, the text, why the model stopped, usage and grounding sources. Field names
 * are read in Google's camelCase and in the snake_case some guides and relays use.
 */

/**
 * How a Gemini reply is read (apiDivertingRequest): each inline image's `data` is decoded as it
 * arrives (no other field of a GenerateContentResponse is named `data`).
 */
export const GEMINI_REPLY_DIVERSION: StringDiversion = {
	keys: new Set(['data']),
	open: () => new Base64Decoder(),
};

/**
 * An inline image of the reply: decoded as the reply arrived, or still base64 (a reply given as an
 * object; decoded strictly where it becomes a binary).
 */
export interface GeminiImage {
	data: string | DecodedBase64;
	mimeType?: string;
	/** An intermediate image the model drew while thinking (`thought: true`), not a result. */
	thought: boolean;
}

export interface GeminiReply {
	/** Every inline image, thought images included, in reply order. */
	images: GeminiImage[];
	/** The text parts that are not thoughts, joined by line breaks. */
	text: string;
	/** The thought summaries (text parts with `thought: true`), joined by line breaks. */
	thoughtText: string;
	finishReason?: string;
	finishMessage?: string;
	/** `promptFeedback.blockReason`: the prompt was refused before anything was generated. */
	blockReason?: string;
	blockReasonMessage?: string;
	usage?: IDataObject;
	modelVersion?: string;
	/** Google Search grounding: the web pages the answer used, and the searches run. */
	sources: IDataObject[];
	searchQueries: string[];
	candidateCount: number;
}

/** Finish reasons that mean the model would not draw this (safety and policy stops). */
export const SAFETY_STOPS = new Set([
	'SAFETY',
	'IMAGE_SAFETY',
	'PROHIBITED_CONTENT',
	'IMAGE_PROHIBITED_CONTENT',
	'BLOCKLIST',
	'SPII',
	'RECITATION',
	'IMAGE_RECITATION',
]);

function field(record: IDataObject | undefined, camel: string, snake: string): unknown {
	if (!record) return undefined;
	return record[camel] ?? record[snake];
}

function asList(value: unknown): IDataObject[] {
	return Array.isArray(value) ? value.map(asRecord).filter((entry): entry is IDataObject => !!entry) : [];
}

function asText(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The web sources of Google Search grounding: each chunk's title and URI, once each. */
function readGrounding(metadata: IDataObject | undefined, reply: GeminiReply): void {
	if (!metadata) return;
	for (const chunk of asList(field(metadata, 'groundingChunks', 'grounding_chunks'))) {
		const web = asRecord(chunk.web);
		const uri = asText(web?.uri);
		if (uri && !reply.sources.some((source) => source.uri === uri)) {
			reply.sources.push({ ...(asText(web?.title) ? { title: web?.title } : {}), uri });
		}
	}
	const queries = field(metadata, 'webSearchQueries', 'web_search_queries');
	if (Array.isArray(queries)) {
		for (const query of queries) if (typeof query === 'string' && !reply.searchQueries.includes(query)) reply.searchQueries.push(query);
	}
}

export function parseGeminiReply(body: IDataObject): GeminiReply {
	const reply: GeminiReply = { images: [], text: '', thoughtText: '', sources: [], searchQueries: [], candidateCount: 0 };
	const texts: string[] = [];
	const thoughts: string[] = [];
	const candidates = asList(body.candidates);
	reply.candidateCount = candidates.length;
	for (const candidate of candidates) {
		const content = asRecord(candidate.content);
		for (const part of asList(content?.parts)) {
			const thought = part.thought === true;
			const inline = asRecord(field(part, 'inlineData', 'inline_data'));
			const data = inline?.data instanceof DecodedBase64 ? inline.data : asText(inline?.data);
			if (data) {
				reply.images.push({ data, mimeType: asText(field(inline, 'mimeType', 'mime_type')), thought });
			} else if (typeof part.text === 'string' && part.text.trim() !== '') {
				(thought ? thoughts : texts).push(part.text);
			}
		}
		reply.finishReason ??= asText(field(candidate, 'finishReason', 'finish_reason'));
		reply.finishMessage ??= asText(field(candidate, 'finishMessage', 'finish_message'));
		readGrounding(asRecord(field(candidate, 'groundingMetadata', 'grounding_metadata')), reply);
	}
	reply.text = texts.join('\n');
	reply.thoughtText = thoughts.join('\n');
	const feedback = asRecord(field(body, 'promptFeedback', 'prompt_feedback'));
	reply.blockReason = asText(field(feedback, 'blockReason', 'block_reason'));
	reply.blockReasonMessage = asText(field(feedback, 'blockReasonMessage', 'block_reason_message'));
	reply.usage = asRecord(field(body, 'usageMetadata', 'usage_metadata'));
	reply.modelVersion = asText(field(body, 'modelVersion', 'model_version'));
	return reply;
}
