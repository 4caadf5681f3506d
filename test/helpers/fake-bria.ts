import { BadRequest, errorReply, registerRoutePattern, type FakeReply } from './fake-cometapi';
import { books, envelopeReply, imageIn, jsonBody, TaskBook, type FakeTask } from './fake-tasks';
import { makePng } from './images';

/*
 * Bria image editing on the fake CometAPI: POST /bria/image/edit/{action} checks the body as Bria
 * does (image and mask as data URIs ≤ 12 MB; mask required for erase, gen_fill and expand; prompt
 * required for gen_fill and replace_background; num_results ≥ 1) and answers with the request_id,
 * in the shape `bria.createShape` says (CometAPI does not document it); GET /bria/{request_id} moves
 * the request IN_PROGRESS → COMPLETED (result.image_url, or result.image_urls for several) or ERROR
 * (an error object, HTTP 200) or UNKNOWN; an unknown or expired ID is a 404 NOT_FOUND. A plan's
 * detour answers CometAPI's error envelope in an HTTP 200 instead. Sources: FAKES.md.
 */

/** Where the create reply puts the request_id; "completed": the finished edit in the create reply. */
export type BriaCreateShape = 'topLevel' | 'inResult' | 'inData' | 'completed';

class BriaBook extends TaskBook {
	createShape: BriaCreateShape = 'topLevel';

	reset(): void {
		super.reset();
		this.createShape = 'topLevel';
	}
}

export const bria = new BriaBook(
	'Bria',
	{ running: ['IN_PROGRESS'], done: 'COMPLETED', failed: ['ERROR', 'UNKNOWN'] },
	{ statuses: ['IN_PROGRESS', 'COMPLETED'] },
);
books.push(bria);

export const BRIA_ACTIONS = ['erase', 'gen_fill', 'expand', 'enhance', 'increase_resolution', 'replace_background'];
const MASKED = ['erase', 'gen_fill', 'expand'];
const PROMPTED = ['gen_fill', 'replace_background'];
const FIELDS = new Set(['image', 'mask', 'prompt', 'num_results', 'sync', 'seed', 'negative_prompt', 'visual_input_content_moderation', 'visual_output_content_moderation']);


function result(task: FakeTask) {
	return task.urls.length === 1 ? { image_url: task.urls[0], seed: 746992730 } : { image_urls: task.urls, seed: 746992730 };
}

const refuse = (message: string, field: string) => new BadRequest(errorReply(422, message, 'invalid_request', field));

// Submit: Bria v2 image editing → 202 {request_id, status_url} (docs.bria.ai/image-editing-v2); CometAPI's Bria pages (where request_id sits: createShape).
registerRoutePattern('POST', /^\/bria\/image\/edit\/[^/]+$/, (request, context): FakeReply => {
	const action = request.path.split('/').pop()!;
	if (!BRIA_ACTIONS.includes(action)) return errorReply(404, `Unknown edit action ${action}`, 'not_found');
	const body = jsonBody(request);
	for (const key of Object.keys(body)) if (!FIELDS.has(key)) throw refuse(`Unknown parameter: ${key}`, key);
	imageIn(body.image, 'image', 'dataUri', 12 * 1024 * 1024);
	if (body.mask !== undefined) imageIn(body.mask, 'mask', 'dataUri', 12 * 1024 * 1024);
	else if (MASKED.includes(action)) throw refuse(`mask is required for ${action}`, 'mask');
	if (PROMPTED.includes(action) && (typeof body.prompt !== 'string' || body.prompt.trim() === '')) throw refuse(`prompt is required for ${action}`, 'prompt');
	if (body.num_results !== undefined && (!Number.isInteger(body.num_results) || Number(body.num_results) < 1)) throw refuse('num_results must be a positive integer', 'num_results');
	const task = bria.create(request, { ...body, action }, Number(body.num_results ?? 1));
	const id = task.id;
	if (bria.createShape === 'completed') {
		bria.finish(task, context);
		return { json: { status: 'COMPLETED', request_id: id, result: result(task) } };
	}
	if (bria.createShape === 'inResult') return { status: 202, json: { result: { request_id: id } } };
	if (bria.createShape === 'inData') return { status: 202, json: { data: { request_id: id, status: 'IN_PROGRESS' } } };
	return { status: 202, json: { request_id: id, status_url: `https://engine.prod.bria-api.com/v2/status/${id}` } };
});

// Poll: Bria v2 GET /v2/status/{request_id} → {status, result | error} (docs.bria.ai); detour: new-api's relay error in a 200.
registerRoutePattern('GET', /^\/bria\/(?!image\/)[^/]+$/, (request, context): FakeReply => {
	const id = decodeURIComponent(request.path.split('/').pop()!);
	const detour = bria.detour(id);
	if (detour) return envelopeReply(detour);
	const polled = bria.poll(id, context);
	if (!polled) return { status: 404, json: { error: { code: 404, message: 'NOT_FOUND', details: `Request ${id} not found` } } };
	const { task, status, phase } = polled;
	if (phase === 'done') return { json: { status, request_id: id, result: result(task) } };
	if (status === 'ERROR') return { json: { status, request_id: id, error: { code: 500, message: task.plan.reason ?? 'Processing failed', details: 'The image could not be edited' } } };
	return { json: { status, request_id: id } };
});

/** An SVG as Bria's text-to-vector makes it (a small one). */
export const FAKE_SVG = '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#1a73e8"/></svg>\n';
const TEXT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9'];

function textBody(request: Parameters<Parameters<typeof registerRoutePattern>[2]>[0], vector: boolean): Record<string, unknown> {
	const body = jsonBody(request);
	const refuse = (message: string) => new BadRequest(errorReply(400, message, 'invalid_request'));
	if (typeof body.prompt !== 'string' || body.prompt.trim() === '') throw refuse('prompt is required');
	if (body.aspect_ratio !== undefined && !TEXT_RATIOS.includes(String(body.aspect_ratio))) throw refuse(`aspect_ratio must be one of ${TEXT_RATIOS.join(', ')}`);
	if (body.num_results !== undefined && (!Number.isInteger(body.num_results) || Number(body.num_results) < 1 || Number(body.num_results) > 4)) throw refuse('num_results must be from 1 to 4');
	if (!vector && body.medium !== undefined && !['photography', 'art'].includes(String(body.medium))) throw refuse('medium must be photography or art');
	return body;
}

// Bria text-to-image on CometAPI (apidoc.cometapi.com/api/image/bria/generate-image.md): synchronous, result[{urls, seed, uuid}] at once whatever sync says.
registerRoutePattern('POST', /^\/bria\/text-to-image$/, (request, context): FakeReply => {
	const body = textBody(request, false);
	const n = Number(body.num_results ?? 1);
	const result = Array.from({ length: n }, (_, index) => ({
		urls: [context.imageHost.publish(`bria/${context.nextId()}-${index + 1}.png`, makePng(8, 8, index + 1), 'image/png')],
		seed: 1000 + index,
		uuid: `fake-${index + 1}`,
	}));
	return { json: { result } };
});

// Bria text-to-vector (CometAPI's page: {} as its example; Bria's v1/text-to-vector/base/3.2: result[].urls to SVG files, made in the background unless sync).
registerRoutePattern('POST', /^\/bria\/text-to-vector$/, (request, context): FakeReply => {
	const body = textBody(request, true);
	const n = Number(body.num_results ?? 1);
	const result = Array.from({ length: n }, (_, index) => ({
		urls: [context.imageHost.publish(`bria/${context.nextId()}-${index + 1}.svg`, Buffer.from(FAKE_SVG), body.sync === true ? 'image/svg+xml' : 'binary/octet-stream')],
		seed: 2000 + index,
	}));
	return { json: { result } };
});
