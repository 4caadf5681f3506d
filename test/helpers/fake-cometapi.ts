/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { makeJpeg, makePng, makeWebp } from './images';

/*
 * A fake CometAPI on loopback that checks requests as strictly as the real API does (Bearer key,
 * JSON body fields and their types, the parameters a model refuses) and answers with the real
 * shapes, including its error envelope. Tests can make it answer anything via `api.override`.
 */

// A fresh key per run, so a leak test cannot pass by accident.
export const API_KEY = `sk-test-${randomUUID().replace(/-/g, '')}`;

export interface RecordedRequest {
	method: string;
	path: string;
	/** The query string's parameters (e.g. Flux's get_result?id=). */
	query?: Record<string, string>;
	headers: IncomingHttpHeaders;
	body: Buffer;
	/** The parsed JSON body, when the request had one. */
	json?: Record<string, unknown>;
	receivedAt: number;
	/** How many requests the API was answering when this one arrived (itself included). */
	inFlightOnArrival?: number;
	/** True when the client closed the connection before the answer was complete. */
	abandoned?: boolean;
	/** When the answer was completely sent. */
	respondedAt?: number;
	/** The HTTP status the API answered with. */
	status?: number;
}

/** An account that admits `limit` requests at once: more are answered 429 with Retry-After at once. */
export interface Admission {
	limit: number;
	/** Retry-After of the 429s, in seconds (default "1"). */
	retryAfter?: string;
	/** How long an admitted request takes before its answer starts. */
	latencyMs?: number;
}

export interface FakeReply {
	status?: number;
	headers?: Record<string, string>;
	json?: unknown;
	text?: string;
	raw?: Buffer;
	/** Wait this long before answering (for timeout tests). */
	delayMs?: number;
	/** Drop the connection without an answer. */
	destroy?: boolean;
	/** Send the body in these pieces, one write each (e.g. Server-Sent Events split anywhere). */
	chunks?: Array<string | Buffer>;
	/** Pause between chunks, and before a break-off (destroyAfterChunks). */
	chunkDelayMs?: number;
	/** Drop the connection after the chunks instead of ending the answer. */
	destroyAfterChunks?: boolean;
	/** Hold the last chunk until this settles (to look at the client while it reads a reply). */
	holdBeforeLastChunk?: Promise<unknown>;
}

export type Override = (request: RecordedRequest) => FakeReply | undefined | Promise<FakeReply | undefined>;

const GPT_IMAGE_FIELDS = new Set([
	'model', 'prompt', 'n', 'size', 'quality', 'output_format', 'output_compression', 'background',
	'moderation', 'user', 'stream', 'partial_images',
]);
const ENUMS: Record<string, string[]> = {
	quality: ['auto', 'low', 'medium', 'high', 'hd', 'standard', 'xhigh', 'max'],
	output_format: ['png', 'jpeg', 'webp'],
	background: ['auto', 'transparent', 'opaque'],
	moderation: ['auto', 'low'],
	style: ['vivid', 'natural'],
	response_format: ['url', 'b64_json'],
};

export const MODELS = [
	'gpt-4o-mini', 'gpt-image-1', 'dall-e-3', 'gpt-4o-image', 'doubao-seedream-4-0-250828',
	'claude-sonnet-4', 'gemini-2.5-flash-image', 'gemini-3.1-flash-image', 'text-embedding-3-small',
];

export function errorReply(status: number, message: string, code = '', param = ''): FakeReply {
	return {
		status,
		json: {
			error: { message: `${message} (request id: ${randomUUID().slice(0, 8)})`, type: 'comet_api_error', param, code },
		},
	};
}

export class BadRequest extends Error {
	constructor(readonly reply: FakeReply) {
		super('bad request');
	}
}

export function requireString(body: Record<string, unknown>, field: string, required: boolean) {
	const value = body[field];
	if (value === undefined && !required) return;
	if (typeof value !== 'string' || value.trim() === '') {
		throw new BadRequest(errorReply(400, `${field} is required and must be a non-empty string`, 'invalid_request', field));
	}
}

export function requireInteger(body: Record<string, unknown>, field: string, min: number, max: number) {
	const value = body[field];
	if (value === undefined) return;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
		throw new BadRequest(
			errorReply(400, `Invalid '${field}': expected an integer between ${min} and ${max}, got ${JSON.stringify(value)}.`, 'invalid_value', field),
		);
	}
}

/**
 * OpenAI's size, quality and input_fidelity rules per GPT image generation (openai/codex
 * codex-rs/skills/src/assets/samples/imagegen/references/image-api.md): gpt-image-1 / -1.5 take
 * 1024x1024, 1536x1024, 1024x1536, auto; gpt-image-2 and later any WxH with edges multiples of 16,
 * ≤ 3840, long:short ≤ 3:1, 655,360–8,294,400 pixels, and refuse input_fidelity; xhigh and max are 2.5's.
 */
export function checkGptImage(body: Record<string, unknown>) {
	const match = /^gpt-image-(\d+(?:\.\d+)?)/.exec(String(body.model));
	if (!match) return;
	const version = Number(match[1]);
	const invalid = (field: string, message: string) => new BadRequest(errorReply(400, message, 'invalid_value', field));
	if (version >= 2 && body.input_fidelity !== undefined) throw new BadRequest(errorReply(400, "Unknown parameter: 'input_fidelity'.", 'unknown_parameter', 'input_fidelity'));
	if ((body.quality === 'xhigh' || body.quality === 'max') && version < 2.5) throw invalid('quality', `Invalid value for 'quality': '${String(body.quality)}'.`);
	const size = body.size;
	if (typeof size !== 'string' || size === 'auto') return;
	if (version < 2) {
		if (!['1024x1024', '1536x1024', '1024x1536'].includes(size)) throw invalid('size', `Invalid value: '${size}'. Supported values are: '1024x1024', '1024x1536', '1536x1024', and 'auto'.`);
		return;
	}
	const wh = /^(\d+)x(\d+)$/.exec(size);
	const [w, h] = wh ? [Number(wh[1]), Number(wh[2])] : [0, 0];
	const ok = wh && w % 16 === 0 && h % 16 === 0 && Math.max(w, h) <= 3840 && Math.max(w, h) / Math.min(w, h) <= 3 && w * h >= 655_360 && w * h <= 8_294_400;
	if (!ok) throw invalid('size', `Invalid size '${size}'.`);
}

/**
 * Seedream 4.0 / 4.5 / 5.0 on /images/generations (BytePlus ModelArk image generation API): `image`
 * a list of ≤ 14 lowercase data URIs (or URLs), each ≤ 10 MB; sizes per model (5.0: 2K, 3K or
 * 3,686,400–10,404,496 pixels; 4.5: 2K, 4K or 3,686,400–16,777,216; 4.0: 1K, 2K, 4K or
 * 921,600–16,777,216); references + max_images ≤ 15; guidance_scale and seed refused (3.0 only).
 */
export function checkSeedream(body: Record<string, unknown>) {
	const model = String(body.model);
	if (!/seedream/.test(model)) return;
	const invalid = (field: string, message: string) => new BadRequest(errorReply(400, message, 'InvalidParameter', field));
	for (const field of ['guidance_scale', 'seed']) if (body[field] !== undefined) throw invalid(field, `The parameter \`${field}\` specified in the request is not valid for model ${model}.`);
	const images = body.image === undefined ? [] : Array.isArray(body.image) ? body.image : [body.image];
	if (images.length > 14) throw invalid('image', 'The number of reference images must not exceed 14.');
	for (const image of images) {
		const match = typeof image === 'string' ? /^data:image\/(png|jpeg|webp|gif|bmp|tiff);base64,([A-Za-z0-9+/]+=*)$/.exec(image) : null;
		if (!match) throw invalid('image', 'The image must be a URL or a data URI in lowercase format, e.g. data:image/png;base64,…');
		if (Buffer.from(match[2], 'base64').length > 10 * 1024 * 1024) throw invalid('image', 'The image must not exceed 10 MB.');
	}
	const size = typeof body.size === 'string' ? body.size : undefined;
	const rules = /seedream-5/.test(model) ? { presets: ['2K', '3K'], min: 3_686_400, max: 10_404_496 } : /seedream-4-5/.test(model) ? { presets: ['2K', '4K'], min: 3_686_400, max: 16_777_216 } : { presets: ['1K', '2K', '4K'], min: 921_600, max: 16_777_216 };
	if (size !== undefined && size !== 'auto') {
		const wh = /^(\d+)x(\d+)$/.exec(size);
		const ok = wh ? Number(wh[1]) * Number(wh[2]) >= rules.min && Number(wh[1]) * Number(wh[2]) <= rules.max : rules.presets.includes(size);
		if (!ok) throw invalid('size', `The parameter \`size\` specified in the request is not valid: ${size}.`);
	}
	if (body.sequential_image_generation !== undefined && !['auto', 'disabled'].includes(String(body.sequential_image_generation))) throw invalid('sequential_image_generation', 'sequential_image_generation must be auto or disabled');
	const options = body.sequential_image_generation_options as { max_images?: unknown } | undefined;
	if (options?.max_images !== undefined) {
		const most = Number(options.max_images);
		if (!Number.isInteger(most) || most < 1 || most > 15 || most + images.length > 15) throw invalid('sequential_image_generation_options.max_images', 'The number of reference images plus max_images must not exceed 15.');
	}
	if (body.watermark !== undefined && typeof body.watermark !== 'boolean') throw invalid('watermark', 'watermark must be a boolean');
}

export function checkEnums(body: Record<string, unknown>) {
	for (const [field, allowed] of Object.entries(ENUMS)) {
		const value = body[field];
		if (value === undefined) continue;
		if (typeof value !== 'string' || !allowed.includes(value)) {
			throw new BadRequest(
				errorReply(400, `Invalid value for '${field}': ${JSON.stringify(value)}. Supported values are: ${allowed.join(', ')}.`, 'invalid_value', field),
			);
		}
	}
	if (body.size !== undefined && typeof body.size !== 'string') {
		throw new BadRequest(errorReply(400, "Invalid type for 'size': expected a string.", 'invalid_type', 'size'));
	}
	if (body.user !== undefined && typeof body.user !== 'string') {
		throw new BadRequest(errorReply(400, "Invalid type for 'user': expected a string.", 'invalid_type', 'user'));
	}
}

export function imageFor(format: string | undefined, seed: number): Buffer {
	if (format === 'jpeg') return makeJpeg(8, 8, seed);
	if (format === 'webp') return makeWebp(8, 8);
	return makePng(8, 8, seed);
}

/** What a route handler may use besides the request. */
export interface RouteContext {
	imageHost: ImageHost;
	/** A new number for each call, to give published images distinct URLs. */
	nextId(): number;
}

/** Answers one API route; throw BadRequest for a request the real API would refuse. */
export type RouteHandler = (request: RecordedRequest, context: RouteContext) => FakeReply | Promise<FakeReply>;

/** The API's routes by "METHOD /path". Operations add theirs with registerRoute(). */
const routes = new Map<string, RouteHandler>();

export function registerRoute(route: string, handler: RouteHandler): void {
	routes.set(route, handler);
}

/** Routes with a variable path (e.g. a model ID in the path), tried when no exact route matches. */
const patternRoutes: Array<{ method: string; path: RegExp; handler: RouteHandler; public: boolean; aside: boolean }> = [];

/**
 * `aside`: a route beside the API's own (the public price list): answered before overrides and the
 * admission limit, and not kept in `requests`; its module records what it needs.
 */
export function registerRoutePattern(
	method: string,
	path: RegExp,
	handler: RouteHandler,
	options: { public?: boolean; aside?: boolean } = {},
): void {
	patternRoutes.push({ method, path, handler, public: options.public === true, aside: options.aside === true });
}

export interface FakeCometApi {
	baseUrl: string;
	/** Requests being answered right now, and the most there ever were at once. */
	inFlight(): number;
	maxInFlight(): number;
	/** Every request that reached the API, in arrival order. */
	requests: RecordedRequest[];
	/** The image host serving result URLs (a different origin than the API). */
	imageHost: ImageHost;
	/** Answer requests your way; return undefined to let the default behaviour answer. */
	override(handler: Override | undefined): void;
	/** Admit only so many requests at once (an admitted one counts until its answer is sent or dropped). */
	admit(admission: Admission | undefined): void;
	/** How many requests were answered with each status. */
	statusCounts(): Record<number, number>;
	reset(): void;
	close(): Promise<void>;
}

export interface ImageHost {
	origin: string;
	requests: RecordedRequest[];
	/** Serves `data` at `/<name>` and returns its URL. */
	publish(name: string, data: Buffer, contentType?: string): string;
	/** Answers `/<name>` with a 302 to `location` and returns its URL. */
	redirect(name: string, location: string): string;
	close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

async function listen(server: Server): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return `http://127.0.0.1:${port}`;
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
	for (const socket of sockets) socket.destroy();
	return new Promise((resolve) => server.close(() => resolve()));
}

function trackSockets(server: Server): Set<Socket> {
	const sockets = new Set<Socket>();
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	return sockets;
}

async function send(res: ServerResponse, reply: FakeReply): Promise<void> {
	if (reply.delayMs) {
		// Ends early when the client goes away (a cancelled or timed-out request).
		await pause(res, reply.delayMs);
		if (res.destroyed || res.writableEnded) return;
	}
	if (reply.destroy) {
		res.socket?.destroy();
		return;
	}
	const headers: Record<string, string> = { ...(reply.headers ?? {}) };
	if (reply.chunks) {
		res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', ...headers });
		// The pause comes between pieces and before a break-off; like an API, an answer ends as soon
		// as its last piece is sent.
		for (const [index, chunk] of reply.chunks.entries()) {
			if (index > 0 && reply.chunkDelayMs) await pause(res, reply.chunkDelayMs);
			if (index > 0 && index === reply.chunks.length - 1 && reply.holdBeforeLastChunk) await reply.holdBeforeLastChunk;
			if (res.destroyed) return;
			res.write(chunk);
		}
		if (reply.destroyAfterChunks) {
			if (reply.chunkDelayMs) await pause(res, reply.chunkDelayMs);
			res.socket?.destroy();
		} else res.end();
		return;
	}
	let payload: Buffer;
	if (reply.raw) payload = reply.raw;
	else if (reply.text !== undefined) {
		payload = Buffer.from(reply.text);
		headers['content-type'] ??= 'text/plain';
	} else {
		payload = Buffer.from(JSON.stringify(reply.json ?? {}));
		headers['content-type'] ??= 'application/json';
	}
	res.writeHead(reply.status ?? 200, headers);
	res.end(payload);
}

/** Sleeps, ending early when the client goes away; never keeps jest alive. */
function pause(res: ServerResponse, ms: number): Promise<void> {
	return new Promise<void>((resolve) => {
		const timer = setTimeout(resolve, ms);
		timer.unref();
		res.on('close', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

export async function startImageHost(): Promise<ImageHost> {
	const files = new Map<string, { data: Buffer; contentType: string }>();
	const redirects = new Map<string, string>();
	const requests: RecordedRequest[] = [];
	const server = createServer((req, res) => {
		void readBody(req).then((body) => {
			const path = req.url ?? '/';
			requests.push({ method: req.method ?? '', path, headers: req.headers, body, receivedAt: Date.now() });
			const location = redirects.get(path);
			if (location) {
				res.writeHead(302, { location });
				res.end();
				return;
			}
			const file = files.get(path);
			if (!file) {
				res.writeHead(404, { 'content-type': 'text/plain' });
				res.end('not found');
				return;
			}
			res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.data.length) });
			res.end(file.data);
		});
	});
	const sockets = trackSockets(server);
	const origin = await listen(server);
	return {
		origin,
		requests,
		publish(name, data, contentType = 'image/png') {
			files.set(`/${name}`, { data, contentType });
			return `${origin}/${name}`;
		},
		redirect(name, location) {
			redirects.set(`/${name}`, location);
			return `${origin}/${name}`;
		},
		close: () => closeServer(server, sockets),
	};
}

// OpenAI's model list {object:"list", data:[{id, object, owned_by}]}; CometAPI: apidoc.cometapi.com/overview/models.md.
registerRoute('GET /v1/models', () => ({
	json: { object: 'list', data: MODELS.map((id) => ({ id, object: 'model', owned_by: 'cometapi' })) },
}));

// OpenAI's Images API as CometAPI documents it (apidoc.cometapi.com/api/image/openai/images); errors: apidoc.cometapi.com/errors/error-codes-handling.
registerRoute('POST /v1/images/generations', (request, context) => {
	if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
		return errorReply(400, 'Content-Type must be application/json', 'invalid_request');
	}
	if (!request.json) return errorReply(400, 'We could not parse the JSON body of your request.', 'invalid_json');
	const body = request.json;
	requireString(body, 'model', true);
	requireString(body, 'prompt', true);
	requireInteger(body, 'n', 1, 10);
	requireInteger(body, 'output_compression', 0, 100);
	checkEnums(body);
	checkGptImage(body);
	checkSeedream(body);
	const model = String(body.model);
	const gptImage = model.startsWith('gpt-image');
	if (gptImage) {
		for (const field of Object.keys(body)) {
			if (!GPT_IMAGE_FIELDS.has(field)) {
				throw new BadRequest(errorReply(400, `Unknown parameter: '${field}'.`, 'unknown_parameter', field));
			}
		}
	}
	if (model.startsWith('dall-e-3') && body.n !== undefined && body.n !== 1) {
		throw new BadRequest(errorReply(400, 'You must provide n=1 for this model.', 'invalid_value', 'n'));
	}
	return imagesReply(body, context);
});

/** The Images API reply: base64 for gpt-image-*, URLs for other models unless b64_json was asked. */
export function imagesReply(body: Record<string, unknown>, context: RouteContext): FakeReply {
	const model = String(body.model);
	const gptImage = model.startsWith('gpt-image');
	const seedream = model.includes('seedream');
	const sequential = body.sequential_image_generation === 'auto' ? Number((body.sequential_image_generation_options as { max_images?: number } | undefined)?.max_images ?? 15) : undefined;
	const n = sequential ?? (typeof body.n === 'number' ? body.n : 1);
	const format = typeof body.output_format === 'string' ? body.output_format : undefined;
	const useUrl = !gptImage && body.response_format !== 'b64_json';
	const data = Array.from({ length: n }, (_, index) => {
		const image = imageFor(format, index + 1);
		if (useUrl) {
			return {
				url: context.imageHost.publish(`cdn/${context.nextId()}-${index + 1}.png`, image, 'image/png'),
				...(model.startsWith('dall-e-3') ? { revised_prompt: `${String(body.prompt)}, in detail` } : {}),
			};
		}
		return { b64_json: image.toString('base64') };
	});
	return {
		json: {
			created: 1763700000,
			data,
			...(gptImage
				? {
						usage: { input_tokens: 12, output_tokens: 4160 * n, total_tokens: 12 + 4160 * n },
						...(format ? { output_format: format } : {}),
					}
				: {}),
			// BytePlus: usage counts the images made (billed per image); output_tokens = Σ(w×h)/256 (as if 2048×2048 each).
			...(seedream ? { usage: { generated_images: n, output_tokens: 16384 * n, total_tokens: 16384 * n } } : {}),
		},
	};
}

export async function startFakeCometApi(): Promise<FakeCometApi> {
	// Every fake serves the public price list (GET /api/models) beside the API, which every run reads
	// for its items' cost; loaded here, not at the top, since fake-prices.ts registers through this module.
	await import('./fake-prices');
	const imageHost = await startImageHost();
	const requests: RecordedRequest[] = [];
	let override: Override | undefined;
	let admission: Admission | undefined;
	let admitted = 0;
	let counter = 0;
	let inFlight = 0;
	let maxInFlight = 0;
	const context: RouteContext = { imageHost, nextId: () => ++counter };

	const handle = async (request: RecordedRequest): Promise<FakeReply> => {
		const custom = await override?.(request);
		if (custom) return custom;
		const pattern = patternRoutes.find((route) => route.method === request.method && route.path.test(request.path));
		// A public route (e.g. a proxied image link) decides for itself whether it needs the key.
		// A wrong key: CometAPI's envelope with 401 "Invalid token" (apidoc.cometapi.com/errors/error-codes-handling).
		if (!pattern?.public && request.headers.authorization !== `Bearer ${API_KEY}`) {
			return errorReply(401, 'Invalid token', '');
		}
		const handler = routes.get(`${request.method} ${request.path}`) ?? pattern?.handler;
		if (handler) return await handler(request, context);
		// A wrong path: an HTML 404 (apidoc.cometapi.com/support/common-misconceptions).
		return { status: 404, text: '<html><body><h1>404 Not Found</h1></body></html>', headers: { 'content-type': 'text/html' } };
	};

	const server = createServer((req, res) => {
		inFlight += 1;
		maxInFlight = Math.max(maxInFlight, inFlight);
		const inFlightOnArrival = inFlight;
		let request: RecordedRequest | undefined;
		res.on('close', () => {
			inFlight -= 1;
			if (request && !res.writableFinished) request.abandoned = true;
		});
		res.on('finish', () => {
			if (request) request.respondedAt = Date.now();
		});
		void (async () => {
			const body = await readBody(req);
			const url = new URL(req.url ?? '/', 'http://fake');
			request = {
				method: req.method ?? '',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				headers: req.headers,
				body,
				receivedAt: Date.now(),
				inFlightOnArrival,
			};
			if (String(req.headers['content-type'] ?? '').startsWith('application/json')) {
				try {
					request.json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
				} catch {
					request.json = undefined;
				}
			}
			const aside = patternRoutes.find((route) => route.aside && route.method === request?.method && route.path.test(request.path));
			if (aside) {
				await send(res, await aside.handler(request, context));
				return;
			}
			requests.push(request);
			let reply: FakeReply;
			if (admission && admitted >= admission.limit) {
				const refused = errorReply(429, 'Too many concurrent requests for this account', 'rate_limit_exceeded');
				await send(res, { ...refused, headers: { 'retry-after': admission.retryAfter ?? '1' } });
				request.status = 429;
				return;
			}
			if (admission) {
				admitted += 1;
				res.on('close', () => (admitted -= 1));
				if (admission.latencyMs) await pause(res, admission.latencyMs);
			}
			try {
				reply = await handle(request);
			} catch (error) {
				if (error instanceof BadRequest) reply = error.reply;
				else reply = errorReply(500, `fake API failure: ${(error as Error).message}`);
			}
			request.status = reply.status ?? 200;
			await send(res, reply);
		})();
	});
	const sockets = trackSockets(server);
	const origin = await listen(server);
	return {
		baseUrl: `${origin}/v1`,
		inFlight: () => inFlight,
		maxInFlight: () => maxInFlight,
		requests,
		imageHost,
		override(handler) {
			override = handler;
		},
		admit(value) {
			admission = value;
		},
		statusCounts() {
			const counts: Record<number, number> = {};
			for (const request of requests) if (request.status) counts[request.status] = (counts[request.status] ?? 0) + 1;
			return counts;
		},
		reset() {
			requests.length = 0;
			imageHost.requests.length = 0;
			override = undefined;
			admission = undefined;
			maxInFlight = inFlight;
		},
		async close() {
			await closeServer(server, sockets);
			await imageHost.close();
		},
	};
}
