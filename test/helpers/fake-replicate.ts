import { BadRequest, errorReply, registerRoutePattern } from './fake-cometapi';
import { books, envelopeReply, imageIn, jsonBody, TaskBook } from './fake-tasks';

/*
 * Replicate-style predictions on the fake CometAPI: POST /replicate/v1/models/{owner}/{name}/predictions
 * takes {"input": {…}} only (images as data URIs) and answers the prediction (status "starting",
 * urls at api.replicate.com as CometAPI's do); GET /replicate/v1/predictions/{id} moves it through
 * starting → processing → succeeded (output: a list of URLs, or one URL for the models whose
 * schema says so: `OUTPUT_AS_STRING`), failed or canceled with an error; unknown IDs get a 404.
 * A plan's detour answers CometAPI's error envelope in an HTTP 200 instead. Sources: FAKES.md.
 */

export const replicate = new TaskBook(
	'Replicate',
	{ running: ['starting', 'processing'], done: 'succeeded', failed: ['failed', 'canceled'] },
	{ statuses: ['starting', 'processing', 'succeeded'] },
);
books.push(replicate);

/** Models whose output is a single URI (flux-kontext-pro's schema); others answer a list. */
export const OUTPUT_AS_STRING = new Set(['black-forest-labs/flux-kontext-pro']);

const MODEL_PATH = /^\/replicate\/v1\/models\/([\w.-]+)\/([\w.-]+)\/predictions$/;

function prediction(task: ReturnType<typeof replicate.create>, status: string, output: unknown, error: unknown) {
	const model = `${String(task.body.owner)}/${String(task.body.name)}`;
	return {
		id: task.id,
		model,
		version: 'hidden',
		input: task.body.input,
		output,
		error,
		logs: '',
		status,
		created_at: '2026-03-12T10:00:00.000Z',
		data_removed: false,
		urls: { get: `https://api.replicate.com/v1/predictions/${task.id}`, cancel: `https://api.replicate.com/v1/predictions/${task.id}/cancel` },
		...(status === 'succeeded' ? { completed_at: '2026-03-12T10:00:09.000Z', metrics: { image_count: task.urls.length, predict_time: 8.9 } } : {}),
	};
}

// Submit: Replicate's POST /v1/models/{owner}/{name}/predictions → 201 prediction (replicate.com/docs/reference/http); CometAPI's replicate pages ("input" only).
registerRoutePattern('POST', MODEL_PATH, (request) => {
	const [, owner, name] = MODEL_PATH.exec(request.path)!;
	const body = jsonBody(request);
	const extra = Object.keys(body).filter((key) => key !== 'input');
	if (extra.length > 0) throw new BadRequest(errorReply(400, `All parameters must be placed within the input object (got ${extra.join(', ')})`, 'invalid_request'));
	const input = body.input;
	if (!input || typeof input !== 'object' || Array.isArray(input)) throw new BadRequest(errorReply(422, 'input is required and must be an object', 'invalid_request', 'input'));
	for (const [key, value] of Object.entries(input)) {
		const values = Array.isArray(value) ? value : [value];
		for (const entry of values) if (typeof entry === 'string' && entry.startsWith('data:')) imageIn(entry, key, 'dataUri');
	}
	const numOutputs = Number((input as Record<string, unknown>).num_outputs ?? 1);
	const task = replicate.create(request, { owner, name, input }, numOutputs);
	return { status: 201, json: prediction(task, 'starting', null, null) };
});

// Poll: Replicate's GET /v1/predictions/{id} (the prediction; 404 {"detail":"Not found."}); detour: new-api's relay error in a 200.
registerRoutePattern('GET', /^\/replicate\/v1\/predictions\/[^/]+$/, (request, context) => {
	const id = decodeURIComponent(request.path.split('/').pop()!);
	const detour = replicate.detour(id);
	if (detour) return envelopeReply(detour);
	const format = String((replicate.tasks.get(id)?.body.input as Record<string, unknown> | undefined)?.output_format ?? 'png');
	const polled = replicate.poll(id, context, format);
	if (!polled) return { status: 404, json: { detail: 'Not found.' } };
	const { task, status, phase } = polled;
	const model = `${String(task.body.owner)}/${String(task.body.name)}`;
	const output = phase === 'done' ? (OUTPUT_AS_STRING.has(model) ? task.urls[0] : task.urls) : null;
	const error = phase === 'failed' ? (task.plan.reason ?? (status === 'canceled' ? null : 'Prediction failed')) : null;
	return { json: prediction(task, status, output, error) };
});
