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

export const FLUX_MODELS = ['flux-pro-1.1', 'flux-pro-1.1-ultra', 'flux-pro', 'flux-dev', 'flux-kontext-pro', 'flux-kontext-max', 'flux-2-pro', 'flux-2-flex', 'flux-2-max', 'flux-2-klein-4b', 'flux-2-klein-9b'];
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
	// BFL's FLUX.2 endpoints reference: pro, flex, max take input_image … input_image_8, klein up to input_image_4; steps and guidance are flex's (and FLUX.1 dev's).
	const references = /flux-2-klein/.test(model) ? 4 : /flux-2/.test(model) ? 8 : 4;
	return new Set([
		...COMMON,
		...(ratio ? ['aspect_ratio', 'raw'] : ['width', 'height']),
		...(/flux-2-flex|flux-dev/.test(model) ? ['steps', 'guidance'] : []),
		...(edits ? ['input_image', ...Array.from({ length: references - 1 }, (_, i) => `input_image_${i + 2}`)] : ['image_prompt', 'image_prompt_strength']),
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
	if (body.width !== undefined && body.height !== undefined && Number(body.width) * Number(body.height) > 2048 * 2048) {
		throw new BadRequest(errorReply(422, 'width × height must be at most 4 megapixels', 'invalid_request', 'width'));
	}
	requireInteger(body, 'steps', 1, 50);
	if (body.guidance !== undefined && (typeof body.guidance !== 'number' || body.guidance < 1.5 || body.guidance > 10)) {
		throw new BadRequest(errorReply(422, 'guidance must be from 1.5 to 10', 'invalid_request', 'guidance'));
	}
	for (const key of Object.keys(body)) if (/^(input_image(_\d)?|image_prompt)$/.test(key)) imageIn(body[key], key, 'raw', 20 * 1024 * 1024);
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
