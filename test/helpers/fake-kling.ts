import { randomUUID } from 'node:crypto';

import { BadRequest, registerRoute, registerRoutePattern, type FakeReply } from './fake-cometapi';
import { books, imageIn, jsonBody, TaskBook } from './fake-tasks';

/*
 * Kling images on the fake CometAPI: POST /kling/v1/images/generations checks the body as Kling does
 * (prompt ≤ 500, negative_prompt ≤ 200, image as bare base64 ≤ 10 MB, n 1–9, the aspect ratios,
 * image_fidelity 0–1) and answers {code: 0, message, data: {task_id, task_status: "submitted"}};
 * GET /kling/v1/images/generations/{task_id} moves it submitted → processing → succeed (every image
 * in task_result.images[{index, url}]) or failed (task_status_msg). Refusals are Kling's envelope
 * with a non-zero code.
 */

export const kling = new TaskBook(
	'Kling',
	{ running: ['submitted', 'processing'], done: 'succeed', failed: ['failed'] },
	{ statuses: ['submitted', 'processing', 'succeed'] },
);
books.push(kling);

const FIELDS = new Set(['model_name', 'prompt', 'negative_prompt', 'image', 'image_fidelity', 'n', 'aspect_ratio', 'callback_url', 'image_reference', 'human_fidelity']);
const RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3'];

/** Kling's envelope: code 0 and the data, or a non-zero code and its message. */
export function klingReply(code: number, message: string, data?: unknown, status = 200): FakeReply {
	return { status, json: { code, message, request_id: randomUUID(), ...(data === undefined ? {} : { data }) } };
}

const refuse = (message: string) => new BadRequest(klingReply(1201, message, undefined, 400));

registerRoute('POST /kling/v1/images/generations', (request) => {
	const body = jsonBody(request);
	for (const key of Object.keys(body)) if (!FIELDS.has(key)) throw refuse(`Unknown parameter: ${key}`);
	if (typeof body.prompt !== 'string' || body.prompt.trim() === '') throw refuse('prompt is required');
	if (body.prompt.length > 500) throw refuse('prompt cannot exceed 500 characters');
	if (body.negative_prompt !== undefined && (typeof body.negative_prompt !== 'string' || body.negative_prompt.length > 200)) throw refuse('negative_prompt cannot exceed 200 characters');
	if (body.n !== undefined && (!Number.isInteger(body.n) || Number(body.n) < 1 || Number(body.n) > 9)) throw refuse('n must be an integer from 1 to 9');
	if (body.aspect_ratio !== undefined && !RATIOS.includes(String(body.aspect_ratio))) throw refuse(`aspect_ratio must be one of ${RATIOS.join(', ')}`);
	if (body.image_fidelity !== undefined && (typeof body.image_fidelity !== 'number' || body.image_fidelity < 0 || body.image_fidelity > 1)) throw refuse('image_fidelity must be from 0 to 1');
	if (body.model_name !== undefined && typeof body.model_name !== 'string') throw refuse('model_name must be a string');
	if (body.image !== undefined) {
		try {
			imageIn(body.image, 'image', 'raw', 10 * 1024 * 1024);
		} catch (error) {
			throw error instanceof BadRequest ? refuse(JSON.stringify(error.reply.json)) : error;
		}
	}
	const task = kling.create(request, body, Number(body.n ?? 1));
	return klingReply(0, 'SUCCEED', { task_id: task.id, task_status: 'submitted', task_status_msg: null, task_info: { external_task_id: null }, task_result: null, created_at: Date.now(), updated_at: Date.now() });
});

registerRoutePattern('GET', /^\/kling\/v1\/images\/generations\/[^/]+$/, (request, context) => {
	const id = decodeURIComponent(request.path.split('/').pop()!);
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
