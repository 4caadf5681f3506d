import { API_KEY, BadRequest, registerRoutePattern } from './fake-cometapi';
import type { FakeCometApi, FakeReply, RecordedRequest, RouteContext } from './fake-cometapi';
import { runCometApi, type NodeRun, type RunOptions } from './harness';
import { makePng } from './images';
import { useFakeCometApi } from './setup';

/*
 * POST /v1beta/models/{model}:generateContent on the fake CometAPI (Gemini's native API below the
 * host root). Requests are checked as Google's API checks them: the path's shape, a JSON body with
 * known fields only, `contents` of user/model turns whose parts are text or inline images (raw
 * base64, no `data:` prefix, a MIME type the bytes match, at most 14 images), the values of
 * `generationConfig.imageConfig` and `responseModalities`, `systemInstruction` and `tools`. Errors
 * come in Google's envelope. Replies are built from a GeminiAnswer: by default a thought summary,
 * a thought image, the model's text and the final image, whose pixel size follows the aspect ratio.
 */

/**
 * Image models Google shut down (ai.google.dev/gemini-api/docs/deprecations): the -preview IDs on
 * 2026-06-25 (replaced by gemini-3.1-flash-image and gemini-3-pro-image), 2.5's preview on
 * 2026-01-15. Whether CometAPI aliases them is unknown; the fake answers them as Google does now:
 * 404 NOT_FOUND.
 */
export const RETIRED_MODELS = ['gemini-3.1-flash-image-preview', 'gemini-3-pro-image-preview', 'gemini-2.5-flash-image-preview'];

export const GEMINI_PATH = /^\/v1beta\/models\/[^/]+:generateContent$/;
// Google Cloud's model pages: Nano Banana 2 (gemini-3.1-flash-image) takes 14 ratios and 512–4K; Nano Banana Pro and the others 10 ratios and 1K–4K.
export const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
export const IMAGE_SIZES = ['1K', '2K', '4K'];
export const FLASH_ASPECT_RATIOS = [...ASPECT_RATIOS, '1:4', '4:1', '1:8', '8:1'];
export const FLASH_IMAGE_SIZES = ['512', ...IMAGE_SIZES];
/** Google's limit for one inline file. */
export const MAX_INLINE_BYTES = 7 * 1024 * 1024;
const MIME_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'];
const TOP_LEVEL = new Set(['contents', 'systemInstruction', 'generationConfig', 'tools', 'safetySettings', 'toolConfig', 'cachedContent']);
const GENERATION_CONFIG = new Set([
	'responseModalities', 'imageConfig', 'temperature', 'topP', 'topK', 'candidateCount', 'maxOutputTokens', 'seed',
	'stopSequences', 'thinkingConfig',
]);
const SIGNATURES: Record<string, (data: Buffer) => boolean> = {
	'image/png': (data) => data.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')),
	'image/jpeg': (data) => data[0] === 0xff && data[1] === 0xd8,
	'image/webp': (data) => data.toString('latin1', 8, 12) === 'WEBP',
};

/** Google's error envelope. */
export function googleError(code: number, message: string, status = 'INVALID_ARGUMENT'): FakeReply {
	return { status: code, json: { error: { code, message, status } } };
}

/**
 * Google's error envelope in an HTTP 200, as the reply of a model (use with answerGemini): what a
 * gateway sends when the service behind it put its error in a 200 (new-api keeps the upstream's
 * status and reads Google's numeric code and textual status: types.WithOpenAIError).
 */
export function googleErrorIn200(message: string, status = 'INVALID_ARGUMENT', code = 400): { reply: FakeReply } {
	return { reply: { status: 200, json: { error: { code, message, status } } } };
}

const invalid = (message: string) => new BadRequest(googleError(400, message));
const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

export interface GeminiImageIn {
	mimeType: string;
	data: Buffer;
}

export interface GeminiRequest {
	model: string;
	body: Record<string, unknown>;
	/** The text parts of the last user turn, joined. */
	prompt: string;
	/** The inline images of the last user turn, decoded. */
	images: GeminiImageIn[];
	imageConfig: Record<string, unknown>;
}

/** What the model answers: the candidate's parts and how it ended, or a blocked prompt. */
export interface GeminiAnswer {
	parts?: Array<Record<string, unknown>>;
	finishReason?: string;
	finishMessage?: string;
	/** Answer with promptFeedback.blockReason and no candidates. */
	blockReason?: string;
	groundingMetadata?: Record<string, unknown>;
	usageMetadata?: Record<string, unknown> | null;
	/** Write the reply's own fields in snake_case (usage_metadata, finish_reason…). */
	snakeCase?: boolean;
}

export type GeminiResponder = (request: GeminiRequest, context: RouteContext) => GeminiAnswer | { reply: FakeReply };

export const textPart = (text: string, thought = false) => ({ text, ...(thought ? { thought: true } : {}) });

/** An inline image part, camelCase (Google) or snake_case (older guides). */
export function imagePart(data: Buffer, options: { thought?: boolean; snakeCase?: boolean; mimeType?: string } = {}) {
	const mimeType = options.mimeType ?? 'image/png';
	const inline = options.snakeCase
		? { inline_data: { mime_type: mimeType, data: data.toString('base64') } }
		: { inlineData: { mimeType, data: data.toString('base64') } };
	return { ...inline, ...(options.thought ? { thought: true, thoughtSignature: 'c2lnbmF0dXJl' } : {}) };
}

/** The final image the fake draws: 8x8, or the aspect ratio's numbers as pixels (16:9 → 16x9). */
export function finalImage(request: GeminiRequest, seed = 1): Buffer {
	const ratio = typeof request.imageConfig.aspectRatio === 'string' ? request.imageConfig.aspectRatio.split(':').map(Number) : [8, 8];
	return makePng(ratio[0], ratio[1], seed);
}

export const THOUGHT_IMAGE = makePng(4, 4, 77);
export const USAGE = { promptTokenCount: 1290, candidatesTokenCount: 1120, thoughtsTokenCount: 212, totalTokenCount: 2622 };

function defaultAnswer(request: GeminiRequest): GeminiAnswer {
	return {
		parts: [
			textPart('Planning the composition', true),
			imagePart(THOUGHT_IMAGE, { thought: true }),
			textPart('Here is your image.'),
			imagePart(finalImage(request)),
		],
	};
}

function checkPart(part: unknown, where: string, images: GeminiImageIn[]): void {
	if (!isObject(part)) throw invalid(`${where} must be an object`);
	const inline = part.inlineData ?? part.inline_data;
	const kinds = [part.text !== undefined, inline !== undefined].filter(Boolean).length;
	if (kinds !== 1) throw invalid(`${where} must have exactly one of text, inlineData`);
	if (part.text !== undefined) {
		if (typeof part.text !== 'string') throw invalid(`Invalid value at '${where}.text' (TYPE_STRING)`);
		return;
	}
	if (!isObject(inline)) throw invalid(`${where}.inlineData must be an object`);
	const mimeType = inline.mimeType ?? inline.mime_type;
	const { data } = inline;
	if (typeof mimeType !== 'string' || !MIME_TYPES.includes(mimeType)) {
		throw invalid(`Unsupported MIME type: ${String(mimeType)} at '${where}.inlineData.mimeType'`);
	}
	if (typeof data !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) {
		throw invalid(`Invalid value at '${where}.inline_data.data' (TYPE_BYTES), Base64 decoding failed for "${String(data).slice(0, 30)}"`);
	}
	const bytes = Buffer.from(data, 'base64');
	if (bytes.length > MAX_INLINE_BYTES) throw invalid(`${where}: inline data exceeds the 7 MB limit`);
	if (SIGNATURES[mimeType] && !SIGNATURES[mimeType](bytes)) throw invalid(`${where}: the image is not a valid ${mimeType} file`);
	images.push({ mimeType, data: bytes });
}

function checkGenerationConfig(config: unknown, model: string): Record<string, unknown> {
	const flash = /gemini-3\.1-flash-image/.test(model);
	if (config === undefined) throw invalid('generationConfig.responseModalities must include IMAGE for an image model');
	if (!isObject(config)) throw invalid("Invalid value at 'generation_config'");
	for (const key of Object.keys(config)) {
		if (!GENERATION_CONFIG.has(key)) throw invalid(`Invalid JSON payload received. Unknown name "${key}" at 'generation_config': Cannot find field.`);
	}
	const modalities = config.responseModalities;
	if (!Array.isArray(modalities) || modalities.some((m) => m !== 'TEXT' && m !== 'IMAGE') || !modalities.includes('IMAGE')) {
		throw invalid(`generationConfig.responseModalities must be a list of TEXT, IMAGE that includes IMAGE, got ${JSON.stringify(modalities)}`);
	}
	const imageConfig = config.imageConfig ?? {};
	if (!isObject(imageConfig)) throw invalid("Invalid value at 'generation_config.image_config'");
	for (const [key, value] of Object.entries(imageConfig)) {
		const allowed = key === 'aspectRatio' ? (flash ? FLASH_ASPECT_RATIOS : ASPECT_RATIOS) : key === 'imageSize' ? (flash ? FLASH_IMAGE_SIZES : IMAGE_SIZES) : undefined;
		if (!allowed) throw invalid(`Invalid JSON payload received. Unknown name "${key}" at 'generation_config.image_config': Cannot find field.`);
		if (typeof value !== 'string' || !allowed.includes(value)) throw invalid(`Unsupported ${key}: ${JSON.stringify(value)}. Supported values: ${allowed.join(', ')}`);
	}
	return imageConfig;
}

/** Checks a request the way Google's API does; throws BadRequest (a 400 reply) when it would refuse it. */
export function readGeminiRequest(request: RecordedRequest): GeminiRequest {
	if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) throw invalid('Content-Type must be application/json');
	if (!request.json) throw invalid('Invalid JSON payload received.');
	const body = request.json;
	for (const key of Object.keys(body)) {
		if (!TOP_LEVEL.has(key)) throw invalid(`Invalid JSON payload received. Unknown name "${key}": Cannot find field.`);
	}
	const contents = body.contents;
	if (!Array.isArray(contents) || contents.length === 0) throw invalid('* GenerateContentRequest.contents: contents is not specified');
	let images: GeminiImageIn[] = [];
	let prompt = '';
	for (const [index, content] of contents.entries()) {
		if (!isObject(content) || (content.role !== 'user' && content.role !== 'model')) throw invalid(`contents[${index}].role must be user or model`);
		if (!Array.isArray(content.parts) || content.parts.length === 0) throw invalid(`* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.`);
		images = [];
		content.parts.forEach((part, partIndex) => checkPart(part, `contents[${index}].parts[${partIndex}]`, images));
		prompt = (content.parts as Array<Record<string, unknown>>).flatMap((part) => (typeof part.text === 'string' ? [part.text] : [])).join('\n');
	}
	if ((contents[contents.length - 1] as Record<string, unknown>).role !== 'user') throw invalid('The last turn of contents must be the user’s');
	if (images.length > 14) throw invalid(`Too many images: ${images.length}; at most 14 reference images are supported`);
	if (body.systemInstruction !== undefined) {
		const parts = isObject(body.systemInstruction) ? body.systemInstruction.parts : undefined;
		if (!Array.isArray(parts) || parts.length === 0 || !parts.every((part) => isObject(part) && typeof part.text === 'string')) {
			throw invalid("Invalid value at 'system_instruction': expected {parts: [{text}]}");
		}
	}
	if (body.tools !== undefined) {
		const tools = body.tools;
		if (!Array.isArray(tools) || !tools.every((tool) => isObject(tool) && Object.keys(tool).length === 1 && isObject(tool.google_search ?? tool.googleSearch))) {
			throw invalid(`Invalid value at 'tools': ${JSON.stringify(tools)}`);
		}
	}
	const model = decodeURIComponent(request.path.slice('/v1beta/models/'.length, -':generateContent'.length));
	const imageConfig = checkGenerationConfig(body.generationConfig, model);
	return { model, body, prompt, images, imageConfig };
}

/** Google's GenerateContentResponse for an answer. */
export function geminiReplyJson(answer: GeminiAnswer, model: string): Record<string, unknown> {
	const snake = answer.snakeCase === true;
	const key = (camel: string, snakeName: string) => (snake ? snakeName : camel);
	const usage = answer.usageMetadata === null ? {} : { [key('usageMetadata', 'usage_metadata')]: answer.usageMetadata ?? USAGE };
	if (answer.blockReason) {
		return { [key('promptFeedback', 'prompt_feedback')]: { [key('blockReason', 'block_reason')]: answer.blockReason }, ...usage, [key('modelVersion', 'model_version')]: model };
	}
	const candidate = {
		content: { role: 'model', parts: answer.parts ?? [] },
		[key('finishReason', 'finish_reason')]: answer.finishReason ?? 'STOP',
		...(answer.finishMessage ? { [key('finishMessage', 'finish_message')]: answer.finishMessage } : {}),
		...(answer.groundingMetadata ? { [key('groundingMetadata', 'grounding_metadata')]: answer.groundingMetadata } : {}),
		index: 0,
	};
	return { candidates: [candidate], ...usage, [key('modelVersion', 'model_version')]: model, [key('responseId', 'response_id')]: 'fake-response-1' };
}

let responder: GeminiResponder = defaultAnswer;

/** Makes the fake model answer your way until resetGemini(). */
export function answerGemini(handler: GeminiResponder): void {
	responder = handler;
}

export function resetGemini(): void {
	responder = defaultAnswer;
}

// Gemini's POST /v1beta/models/{model}:generateContent (ai.google.dev/api/generate-content; errors: ai.google.dev/gemini-api/docs/troubleshooting);
// CometAPI's nano-banana pages; an answer may be googleErrorIn200 (new-api's relay keeps a 200's status).
registerRoutePattern('POST', GEMINI_PATH, (request, context) => {
	const gemini = readGeminiRequest(request);
	if (!/^gemini-[a-z0-9.-]+$/.test(gemini.model) || RETIRED_MODELS.includes(gemini.model)) {
		return googleError(404, `models/${gemini.model} is not found for API version v1beta, or is not supported for generateContent.`, 'NOT_FOUND');
	}
	const answer = responder(gemini, context);
	return 'reply' in answer ? answer.reply : { json: geminiReplyJson(answer, gemini.model) };
});

export interface FakeGeminiApi {
	readonly api: FakeCometApi;
	/** Runs Gemini's Generate or Edit Image with these parameters (prompt "a lighthouse" unless given). */
	run(parameters?: Record<string, unknown>, extra?: Partial<RunOptions>): Promise<NodeRun>;
	/** The generateContent requests the fake received. */
	sent(): RecordedRequest[];
}

/** For a test file: the fake CometAPI, with the default Gemini answer restored before each test. */
export function useFakeGeminiApi(options: { filesystemBinaryMode?: boolean } = {}): FakeGeminiApi {
	const api = useFakeCometApi(options);
	beforeEach(() => resetGemini());
	return {
		api,
		run: async (parameters = {}, extra = {}) =>
			await runCometApi({
				parameters: { resource: 'gemini', operation: 'generateImage', prompt: 'a lighthouse', ...parameters },
				credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
				...extra,
			}),
		sent: () => api.requests.filter((request) => GEMINI_PATH.test(request.path)),
	};
}
