import { BadRequest, errorReply, registerRoute, registerRoutePattern, requireInteger, requireString } from './fake-cometapi';
import { books, envelopeReply, imageIn, jsonBody, onlyFields, TaskBook } from './fake-tasks';

/*
 * Flux on the fake CometAPI, as Black Forest Labs' API behaves: POST /flux/v1/{model} checks the
 * body per model (width/height in steps of 32 for pro/dev/FLUX.2, aspect_ratio for ultra/Kontext,
 * input_image for Kontext/FLUX.2, image_prompt for the others, raw base64) and answers
 * {id, polling_url}; GET /flux/v1/get_result?id= answers Pending (with progress) until the plan
 * says Ready (result.sample on the image host), Request/Content Moderated or Error; an unknown or
 * expired ID answers status "Task not found". A plan's detour answers CometAPI's error envelope in
 * an HTTP 200 instead. Sources of every shape: FAKES.md.
 */

export const FLUX_MODELS = ['flux-pro-1.1', 'flux-pro-1.1-ultra', 'flux-pro', 'flux-dev', 'flux-kontext-pro', 'flux-kontext-max', 'flux-2-pro', 'flux-2-flex', 'flux-2-max'];
const COMMON = ['prompt', 'seed', 'output_format', 'safety_tolerance', 'prompt_upsampling', 'webhook_url', 'webhook_secret'];

export const flux = new TaskBook(
	'Flux',
	{ running: ['Pending'], done: 'Ready', failed: ['Request Moderated', 'Content Moderated', 'Error', 'Task not found'] },
	{ statuses: ['Pending', 'Ready'] },
);
books.push(flux);

function fieldsOf(model: string): Set<string> {
	const ratio = /ultra|kontext/.test(model);
	const edits = /kontext|flux-2/.test(model);
	return new Set([
		...COMMON,
		...(ratio ? ['aspect_ratio', 'raw'] : ['width', 'height', 'steps', 'guidance']),
		...(edits ? ['input_image', 'input_image_2', 'input_image_3', 'input_image_4'] : ['image_prompt', 'image_prompt_strength']),
	]);
}

// Submit: BFL's POST /v1/{model} → {id, polling_url} (docs.bfl.ai); CometAPI's flux-generate-image page (multiples of 32, safety 0–6).
registerRoutePattern('POST', /^\/flux\/v1\/(?!get_result)[^/]+$/, (request, context) => {
	const model = decodeURIComponent(request.path.slice('/flux/v1/'.length));
	if (!FLUX_MODELS.includes(model)) return errorReply(404, `model ${model} not found`, 'model_not_found');
	const body = jsonBody(request);
	onlyFields(body, fieldsOf(model));
	requireString(body, 'prompt', true);
	requireInteger(body, 'safety_tolerance', 0, 6);
	requireInteger(body, 'seed', 0, 2 ** 32);
	for (const side of ['width', 'height']) {
		requireInteger(body, side, 256, 2048);
		if (body[side] !== undefined && Number(body[side]) % 32 !== 0) throw new BadRequest(errorReply(422, `${side} must be a multiple of 32`, 'invalid_request', side));
	}
	if (body.aspect_ratio !== undefined && !/^\d+:\d+$/.test(String(body.aspect_ratio))) {
		throw new BadRequest(errorReply(422, 'aspect_ratio must look like 16:9', 'invalid_request', 'aspect_ratio'));
	}
	if (body.output_format !== undefined && !['jpeg', 'png'].includes(String(body.output_format))) {
		throw new BadRequest(errorReply(422, 'output_format must be jpeg or png', 'invalid_request', 'output_format'));
	}
	for (const key of ['input_image', 'image_prompt']) if (body[key] !== undefined) imageIn(body[key], key, 'raw', 20 * 1024 * 1024);
	const task = flux.create(request, body);
	return { json: { id: task.id, polling_url: `${context.imageHost.origin}/not-cometapi/get_result?id=${task.id}` } };
});

// Poll: BFL's GET /v1/get_result → {id, status, result, progress, details} (docs.bfl.ai get_result); detour: new-api's relay error in a 200.
registerRoute('GET /flux/v1/get_result', (request, context) => {
	const id = request.query?.id;
	if (!id) return errorReply(400, 'id is required', 'invalid_request', 'id');
	const detour = flux.detour(id);
	if (detour) return envelopeReply(detour);
	const format = (task?: { body: Record<string, unknown> }) => String(task?.body.output_format ?? 'jpeg');
	const polled = flux.poll(id, context, format(flux.tasks.get(id)));
	if (!polled) return { json: { id, status: 'Task not found' } };
	const { task, status, phase } = polled;
	if (phase === 'done') {
		return { json: { id, status, result: { sample: task.urls[0], prompt: task.body.prompt, seed: task.body.seed ?? 4041919005, duration: 7.2 } } };
	}
	if (phase === 'failed') return { json: { id, status, result: null, details: task.plan.reason ? { error: task.plan.reason } : null } };
	return { json: { id, status, result: null, progress: Math.min(0.9, 0.3 * task.polls) } };
});
