import { API_KEY, BadRequest, errorReply, registerRoute, requireString } from './fake-cometapi';
import type { FakeCometApi, FakeReply, RecordedRequest, RouteContext } from './fake-cometapi';
import { runCometApi, type NodeRun, type RunOptions } from './harness';
import { makePng } from './images';
import { useFakeCometApi } from './setup';

/*
 * POST /v1/chat/completions on the fake CometAPI. Requests are checked as strictly as the real API
 * checks them (JSON body, `model`, `messages` with roles and content parts, image parts as http(s)
 * URLs or base64 data URLs whose MIME type matches the bytes, `stream` a boolean). Replies are built
 * from a ChatAnswer, as one JSON completion or, when the request asks for `stream: true`, as
 * Server-Sent Events cut into small events and network chunks that split lines, JSON, data URIs and
 * UTF-8 characters anywhere.
 */

export interface ChatMessage {
	role: string;
	content: string | Array<Record<string, unknown>>;
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	stream: boolean;
	/** `stream_options: {"include_usage": true}`: the stream ends with a usage chunk. */
	includeUsage: boolean;
	body: Record<string, unknown>;
}

/** What the model answers: the message's content and images, and the completion's fields. */
export interface ChatAnswer {
	content?: string | unknown[] | null;
	images?: unknown[];
	finishReason?: string | null;
	usage?: Record<string, unknown> | null;
	model?: string;
	/** How the stream is cut (when the request streams). */
	stream?: StreamShape;
}

export interface StreamShape {
	/** Characters of content text per event (default 9). */
	pieceChars?: number;
	/** Bytes per network write (default 7). */
	chunkBytes?: number;
	lineEnding?: '\n' | '\r\n' | '\r';
	/** Leave out `data: [DONE]`. */
	noDone?: boolean;
}

export type ChatResponder = (request: ChatRequest, context: RouteContext) => ChatAnswer | { reply: FakeReply };

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const SIGNATURES: Record<string, (data: Buffer) => boolean> = {
	'image/png': (data) => data.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')),
	'image/jpeg': (data) => data[0] === 0xff && data[1] === 0xd8,
	'image/webp': (data) => data.toString('latin1', 8, 12) === 'WEBP',
	'image/gif': (data) => data.toString('latin1', 0, 4) === 'GIF8',
};

function invalid(message: string, param: string): BadRequest {
	return new BadRequest(errorReply(400, message, 'invalid_request_error', param));
}

function checkImageUrl(url: unknown, where: string): void {
	if (typeof url !== 'string' || url === '') throw invalid(`${where}.image_url.url must be a string`, 'messages');
	if (/^https?:\/\//.test(url)) return;
	const match = /^data:(image\/[a-z]+);base64,([A-Za-z0-9+/]+={0,2})$/.exec(url);
	if (!match) throw invalid(`${where}.image_url.url is neither a URL nor a base64 data URL`, 'messages');
	const check = SIGNATURES[match[1]];
	const data = Buffer.from(match[2], 'base64');
	if (!check || !check(data)) {
		throw invalid(`${where}: the image is not a valid ${match[1]} file`, 'messages');
	}
}

/** Checks a request the way the real API does; throws BadRequest (a 400 reply) when it would refuse it. */
export function readChatRequest(request: RecordedRequest): ChatRequest {
	if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
		throw new BadRequest(errorReply(400, 'Content-Type must be application/json', 'invalid_request'));
	}
	if (!request.json) throw new BadRequest(errorReply(400, 'We could not parse the JSON body of your request.', 'invalid_json'));
	const body = request.json;
	requireString(body, 'model', true);
	if (body.stream !== undefined && typeof body.stream !== 'boolean') {
		throw invalid("Invalid type for 'stream': expected a boolean.", 'stream');
	}
	const streamOptions = body.stream_options;
	if (streamOptions !== undefined) {
		if (body.stream !== true) {
			throw invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
		}
		const includeUsage = (streamOptions as Record<string, unknown> | null)?.include_usage;
		if (!streamOptions || typeof streamOptions !== 'object' || (includeUsage !== undefined && typeof includeUsage !== 'boolean')) {
			throw invalid("Invalid type for 'stream_options.include_usage': expected a boolean.", 'stream_options');
		}
	}
	const messages = body.messages;
	if (!Array.isArray(messages) || messages.length === 0) {
		throw invalid("'messages' must be a non-empty array", 'messages');
	}
	for (const [index, message] of messages.entries()) {
		const where = `messages[${index}]`;
		const record = message as Record<string, unknown>;
		if (!record || typeof record !== 'object' || !ROLES.has(String(record.role))) {
			throw invalid(`${where}.role must be one of ${[...ROLES].join(', ')}`, 'messages');
		}
		const { content } = record;
		if (typeof content === 'string') continue;
		if (!Array.isArray(content) || content.length === 0) {
			throw invalid(`${where}.content must be a string or a non-empty array of parts`, 'messages');
		}
		for (const [partIndex, part] of content.entries()) {
			const partWhere = `${where}.content[${partIndex}]`;
			const partRecord = part as Record<string, unknown>;
			if (partRecord?.type === 'text' && typeof partRecord.text === 'string') continue;
			if (partRecord?.type === 'image_url' && partRecord.image_url && typeof partRecord.image_url === 'object') {
				checkImageUrl((partRecord.image_url as Record<string, unknown>).url, partWhere);
				continue;
			}
			throw invalid(`${partWhere} must be a text or an image_url part`, 'messages');
		}
	}
	return {
		model: String(body.model),
		messages: messages as ChatMessage[],
		stream: body.stream === true,
		includeUsage: (body.stream_options as Record<string, unknown> | undefined)?.include_usage === true,
		body,
	};
}

/** gpt-4o-image's reply shape: progress lines, the image as a Markdown image and its download twin. */
export function gpt4oImageAnswer(context: RouteContext, image: Buffer = makePng(8, 8, 1)): ChatAnswer {
	const id = context.nextId();
	const url = context.imageHost.publish(`cdn/20250415/gen${id}.png`, image, 'image/png');
	const download = context.imageHost.publish(`cdn/download/20250415/gen${id}.png`, image, 'image/png');
	return {
		content:
			'```\n{\n  "prompt": "A cute kitten sitting on a cloud, in a cartoon style.",\n  "ratio": "1:1"\n}\n```\n\n' +
			'>🕐 Queuing.\n\n>⚡ Generating..\n\n>🏃 Progress 14...37...61...74..100\n\n> ✅ Generation complete\n\n\n' +
			`![gen_01jrw0e7j2fc2rp7evwe19y0q7](${url})\n\n[Click to download](${download})`,
		usage: { prompt_tokens: 21, completion_tokens: 373, total_tokens: 394 },
	};
}

/** A `data:` URI of the given bytes. */
export function dataUri(data: Buffer, mimeType = 'image/png'): string {
	return `data:${mimeType};base64,${data.toString('base64')}`;
}

/** The usage a reply carries unless the answer says otherwise. */
export const DEFAULT_USAGE = { prompt_tokens: 21, completion_tokens: 1290, total_tokens: 1311 };

/** A non-streamed chat completion. */
export function completionJson(answer: ChatAnswer, model: string): Record<string, unknown> {
	return {
		id: 'chatcmpl-test',
		object: 'chat.completion',
		created: 1744696747,
		model: answer.model ?? model,
		choices: [
			{
				index: 0,
				message: {
					role: 'assistant',
					content: answer.content ?? null,
					...(answer.images ? { images: answer.images } : {}),
				},
				finish_reason: answer.finishReason === undefined ? 'stop' : answer.finishReason,
			},
		],
		...(answer.usage === null ? {} : { usage: answer.usage ?? DEFAULT_USAGE }),
	};
}

function pieces(text: string, size: number): string[] {
	const list: string[] = [];
	for (let start = 0; start < text.length; start += size) list.push(text.slice(start, start + size));
	return list;
}

/**
 * The `chat.completion.chunk` objects a streamed reply is made of. As OpenAI's API does, the usage
 * comes in a last chunk (with no choices) only when the request asked for it
 * (`stream_options: {"include_usage": true}`).
 */
export function streamChunks(answer: ChatAnswer, model: string, includeUsage = false): Array<Record<string, unknown>> {
	const pieceChars = answer.stream?.pieceChars ?? 9;
	const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1744696747, model: answer.model ?? model };
	const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
		...base,
		choices: [{ index: 0, delta, finish_reason: finishReason }],
	});
	const chunks: Array<Record<string, unknown>> = [chunk({ role: 'assistant', content: '' })];
	const { content } = answer;
	if (typeof content === 'string') {
		for (const piece of pieces(content, pieceChars)) chunks.push(chunk({ content: piece }));
	} else if (Array.isArray(content)) {
		for (const part of content) {
			const text = (part as Record<string, unknown>)?.text;
			if (typeof text === 'string') {
				for (const piece of pieces(text, pieceChars)) chunks.push(chunk({ content: [{ type: 'text', text: piece }] }));
			} else chunks.push(chunk({ content: [part] }));
		}
	}
	if (answer.images) chunks.push(chunk({ images: answer.images }));
	chunks.push(chunk({}, answer.finishReason === undefined ? 'stop' : answer.finishReason));
	if (includeUsage && answer.usage !== null) chunks.push({ ...base, choices: [], usage: answer.usage ?? DEFAULT_USAGE });
	return chunks;
}

/** Server-Sent Events text: one `data:` event per chunk, then `[DONE]`. */
export function sseText(chunks: unknown[], shape: StreamShape = {}): string {
	const eol = shape.lineEnding ?? '\n';
	const events = chunks.map((chunk) => `data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}${eol}${eol}`);
	if (!shape.noDone) events.push(`data: [DONE]${eol}${eol}`);
	return events.join('');
}

/** Cuts text into network writes of `size` bytes: boundaries fall inside lines and UTF-8 characters. */
export function splitBytes(text: string, size: number): Buffer[] {
	const bytes = Buffer.from(text, 'utf8');
	const list: Buffer[] = [];
	for (let start = 0; start < bytes.length; start += size) list.push(bytes.subarray(start, start + size));
	return list;
}

/** An event stream reply of the given SSE text. */
export function sseReply(text: string, chunkBytes = 7): FakeReply {
	return { chunks: splitBytes(text, chunkBytes), headers: { 'content-type': 'text/event-stream; charset=utf-8' } };
}

/** The reply to a request: JSON, or an event stream when the request streams. */
export function renderAnswer(answer: ChatAnswer, request: ChatRequest): FakeReply {
	if (!request.stream) return { json: completionJson(answer, request.model) };
	const chunks = streamChunks(answer, request.model, request.includeUsage);
	return sseReply(sseText(chunks, answer.stream), answer.stream?.chunkBytes ?? 7);
}

const defaultResponder: ChatResponder = (_request, context) => gpt4oImageAnswer(context);
let responder: ChatResponder = defaultResponder;

/** Makes the fake model answer your way until resetChat(). */
export function answerChat(handler: ChatResponder): void {
	responder = handler;
}

export function resetChat(): void {
	responder = defaultResponder;
}

// OpenAI's Chat Completions (platform.openai.com/docs/api-reference/chat), as CometAPI documents it (apidoc.cometapi.com/quickstarts/text/openai-compatible-api).
registerRoute('POST /v1/chat/completions', (request, context) => {
	const chat = readChatRequest(request);
	const answer = responder(chat, context);
	return 'reply' in answer ? answer.reply : renderAnswer(answer, chat);
});

export const CHAT_PROMPT = 'A cute kitten sitting on a cloud, cartoon style';

export interface FakeChatApi {
	/** The fake CometAPI of this test file. */
	readonly api: FakeCometApi;
	/** Runs Chat Image with the given parameters (the prompt defaults to CHAT_PROMPT) against it. */
	run(parameters?: Record<string, unknown>, extra?: Partial<RunOptions>): Promise<NodeRun>;
}

/**
 * For a test file: starts the fake CometAPI once, and before each test clears its records and
 * restores the default chat answer.
 */
export function useFakeChatApi(): FakeChatApi {
	const api = useFakeCometApi();
	beforeEach(() => resetChat());
	return {
		api,
		run: async (parameters = {}, extra = {}) =>
			await runCometApi({
				parameters: { resource: 'image', operation: 'chat', prompt: CHAT_PROMPT, ...parameters },
				credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
				...extra,
			}),
	};
}
