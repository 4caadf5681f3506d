import { randomUUID } from 'node:crypto';

import { BadRequest, registerRoute, registerRoutePattern, type FakeReply } from './fake-cometapi';
import { books, envelopeReply, imageIn, jsonBody, TaskBook } from './fake-tasks';

/*
 * Kling images on the fake CometAPI: POST /kling/v1/images/generations checks the body as CometAPI's
 * page documents it (model_name kling-v1 … kling-v3, prompt ≤ 2,500, negative_prompt ≤ 2,500 and
 * not with an image, image as bare base64 JPEG or PNG ≤ 10 MB with an aspect ratio from 1:2.5 to
 * 2.5:1, n 1–9, the aspect ratios with 21:9, resolution 1k / 2k, image_fidelity 0–1) and answers {code: 0, message, data: {task_id, task_status: "submitted"}};
 * GET /kling/v1/images/generations/{task_id} moves it submitted → processing → succeed (every image
 * in task_result.images[{index, url}]) or failed (task_status_msg). Refusals are Kling's envelope
 * with a non-zero code. A plan's detour answers polls with one of Kling's documented codes (with the
 * HTTP status Kling documents for it, or another one the test gives, e.g. 200 as a gateway may
 * relay it) or with CometAPI's error envelope in a 200. Sources: FAKES.md.
 */

/**
 * Kling's service codes with the HTTP status and meaning Kling documents for each (the "Error Code"
 * table of Kling's API reference, General Information: app.klingai.com/global/dev/document-api/apiReference/commonInfo).
 */
export const KLING_CODES: Record<number, { http: number; message: string }> = {
	1000: { http: 401, message: 'Authentication failed' },
	1001: { http: 401, message: 'Authorization is empty' },
	1002: { http: 401, message: 'Authorization is invalid' },
	1003: { http: 401, message: 'Authorization is not yet valid' },
	1004: { http: 401, message: 'Authorization has expired' },
	1100: { http: 429, message: 'Account exception' },
	1101: { http: 429, message: 'Account in arrears (postpaid scenario)' },
	1102: { http: 429, message: 'Resource pack depleted or expired (prepaid scenario)' },
	1103: { http: 403, message: 'Unauthorized access to requested resource, such as API/model' },
	1200: { http: 400, message: 'Invalid request parameters' },
	1201: { http: 400, message: 'Invalid parameters, such as incorrect key or illegal value' },
	1202: { http: 404, message: 'The requested method is invalid' },
	1203: { http: 404, message: 'The requested resource does not exist, such as the model' },
	1300: { http: 400, message: 'Trigger strategy of the platform' },
	1301: { http: 400, message: 'Trigger the content security policy of the platform' },
	1302: { http: 429, message: 'The API request is too fast, exceeding the platform’s rate limit' },
	1303: { http: 429, message: 'Concurrency or QPS exceeds the prepaid resource package limit' },
	1304: { http: 429, message: 'Trigger the platform’s IP whitelisting policy' },
	5000: { http: 500, message: 'Server internal error' },
	5001: { http: 503, message: 'Server temporarily unavailable, usually due to maintenance' },
	5002: { http: 504, message: 'Server internal timeout, usually due to a backlog' },
};

/** The codes Kling's table says to try again later: rate and concurrency limits, server trouble. */
export const KLING_TRANSIENT = [1302, 1303, 5000, 5001, 5002];

export const kling = new TaskBook(
	'Kling',
	{ running: ['submitted', 'processing'], done: 'succeed', failed: ['failed'] },
	{ statuses: ['submitted', 'processing', 'succeed'] },
	Object.keys(KLING_CODES).map(Number),
);
books.push(kling);

const FIELDS = new Set(['model_name', 'prompt', 'negative_prompt', 'image', 'image_fidelity', 'n', 'aspect_ratio', 'callback_url', 'image_reference', 'human_fidelity', 'resolution', 'element_list', 'watermark_info']);
const RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3', '21:9'];
const MODELS = ['kling-v1', 'kling-v1-5', 'kling-v2', 'kling-v2-1', 'kling-v3'];

/** Kling's envelope: code 0 and the data, or a non-zero code and its message. */
export function klingReply(code: number, message: string, data?: unknown, status = 200): FakeReply {
	return { status, json: { code, message, request_id: randomUUID(), ...(data === undefined ? {} : { data }) } };
}

/** The pixel size of a PNG (IHDR) or baseline/progressive JPEG (SOF0–SOF2), read as a provider would. */
function pixelSize(bytes: Buffer): { width: number; height: number } | undefined {
	if (bytes.subarray(1, 4).toString('latin1') === 'PNG') return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
	for (let offset = 2; offset + 9 < bytes.length; ) {
		if (bytes[offset] !== 0xff) return undefined;
		const marker = bytes[offset + 1];
		if (marker >= 0xc0 && marker <= 0xc2) return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
		offset += 2 + bytes.readUInt16BE(offset + 2);
	}
	return undefined;
}

const refuse = (message: string) => new BadRequest(klingReply(1201, message, undefined, 400));

// Submit: Kling's POST /v1/images/generations → {code, message, request_id, data:{task_id, task_status}} (Kling API reference, Image Generation); CometAPI's kling/image-generation page.
registerRoute('POST /kling/v1/images/generations', (request) => {
	const body = jsonBody(request);
	for (const key of Object.keys(body)) if (!FIELDS.has(key)) throw refuse(`Unknown parameter: ${key}`);
	if (typeof body.prompt !== 'string' || body.prompt.trim() === '') throw refuse('prompt is required');
	if (body.prompt.length > 2500) throw refuse('prompt cannot exceed 2500 characters');
	if (body.negative_prompt !== undefined && (typeof body.negative_prompt !== 'string' || body.negative_prompt.length > 2500)) throw refuse('negative_prompt cannot exceed 2500 characters');
	if (body.negative_prompt !== undefined && body.image !== undefined) throw refuse('negative_prompt is not supported when image is set');
	if (body.resolution !== undefined && !['1k', '2k'].includes(String(body.resolution))) throw refuse('resolution must be 1k or 2k');
	if (body.model_name !== undefined && !MODELS.includes(String(body.model_name))) throw refuse(`model_name must be one of ${MODELS.join(', ')}`);
	if (body.n !== undefined && (!Number.isInteger(body.n) || Number(body.n) < 1 || Number(body.n) > 9)) throw refuse('n must be an integer from 1 to 9');
	if (body.aspect_ratio !== undefined && !RATIOS.includes(String(body.aspect_ratio))) throw refuse(`aspect_ratio must be one of ${RATIOS.join(', ')}`);
	if (body.image_fidelity !== undefined && (typeof body.image_fidelity !== 'number' || body.image_fidelity < 0 || body.image_fidelity > 1)) throw refuse('image_fidelity must be from 0 to 1');
	if (body.model_name !== undefined && typeof body.model_name !== 'string') throw refuse('model_name must be a string');
	if (body.image !== undefined) {
		let bytes: Buffer;
		try {
			bytes = imageIn(body.image, 'image', 'raw', 10 * 1024 * 1024);
		} catch (error) {
			throw error instanceof BadRequest ? refuse(JSON.stringify(error.reply.json)) : error;
		}
		if (bytes.toString('latin1', 8, 12) === 'WEBP') throw refuse('image must be JPEG or PNG');
		const size = pixelSize(bytes);
		if (size && Math.max(size.width / size.height, size.height / size.width) > 2.5) throw refuse('image aspect ratio must be between 1:2.5 and 2.5:1');
	}
	const task = kling.create(request, body, Number(body.n ?? 1));
	return klingReply(0, 'SUCCEED', { task_id: task.id, task_status: 'submitted', task_status_msg: null, task_info: { external_task_id: null }, task_result: null, created_at: Date.now(), updated_at: Date.now() });
});

// Poll: Kling's GET /v1/images/generations/{id} → {code:0, data:{task_status, task_status_msg, task_result.images}}; detour: Kling's codes (commonInfo table) or new-api's relay error in a 200.
registerRoutePattern('GET', /^\/kling\/v1\/images\/generations\/[^/]+$/, (request, context) => {
	const id = decodeURIComponent(request.path.split('/').pop()!);
	const detour = kling.detour(id);
	if (detour?.answer === 'envelope') return envelopeReply(detour);
	if (detour) {
		const code = detour.answer as number;
		return klingReply(code, detour.message ?? KLING_CODES[code].message, undefined, detour.httpStatus ?? KLING_CODES[code].http);
	}
	const polled = kling.poll(id, context);
	if (!polled) return klingReply(1203, 'task not found', undefined, 404);
	const { task, status, phase } = polled;
	return klingReply(0, 'SUCCEED', {
		task_id: id,
		task_status: status,
		task_status_msg: phase === 'failed' ? (task.plan.reason ?? 'Failure to pass the risk control system') : null,
		task_result: phase === 'done' ? { images: task.urls.map((url, index) => ({ index, url })) } : {},
		created_at: Date.now(),
		updated_at: Date.now(),
	});
});
