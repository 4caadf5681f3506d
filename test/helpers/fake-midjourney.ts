import { createHash } from 'node:crypto';

import { API_KEY, errorReply, registerRoutePattern } from './fake-cometapi';
import type { FakeCometApi, FakeReply, RecordedRequest } from './fake-cometapi';
import { runCometApi, type NodeRun, type RunOptions } from './harness';
import { makeJpeg, makePng } from './images';
import { envelopeReply, takeDetour, type PollDetour } from './fake-tasks';
import { useFakeCometApi } from './setup';

/*
 * CometAPI's Midjourney routes on the fake API, as a state machine (midjourney-proxy's shapes):
 * POST /mj/submit/{imagine,action,blend,describe,modal} check their body and record a task;
 * GET /mj/task/{id}/fetch shows it NOT_START → SUBMITTED → IN_PROGRESS (with progress) → SUCCESS,
 * FAILURE or MODAL as time passes (a plan per task: how long, how it ends, a failure after N polls,
 * never ending, a gate). Finished tasks have buttons whose customIds carry the task's own hash, so a
 * customId from another task is refused. Images are served at GET /mj/image/{id} on the API host
 * (CometAPI's proxied link), without the key unless `imagesNeedKey`. Every request is recorded by
 * the fake API (api.requests). An unknown task ID is answered as the gateway (new-api) or the proxy
 * behind it (midjourney-proxy) answers it: `unknownTask`. Sources of every shape: FAKES.md.
 */

/**
 * How GET /mj/task/{id}/fetch answers an ID it does not know (the two sources disagree):
 * - 'gateway-400': new-api, which CometAPI runs: HTTP 400 {"code":4,"description":"task_no_found ","type":"upstream_error"}
 *   (relay/mjproxy_handler.go RelayMidjourneyTask; controller/relay.go RelayMidjourney appends " " + result);
 * - 'proxy-empty': novicezk/midjourney-proxy: TaskController.fetch returns null, which Spring sends as a 200 with an empty body;
 * - 'proxy-null': a 200 whose body is the JSON literal null (what a JSON encoder writes for no task).
 */
export type MjUnknownTask = 'gateway-400' | 'proxy-empty' | 'proxy-null';
export const MJ_UNKNOWN_TASK_VARIANTS: MjUnknownTask[] = ['gateway-400', 'proxy-empty', 'proxy-null'];

/** The reply to a fetch of an unknown task ID, per variant. */
export function unknownTaskReply(variant: MjUnknownTask): FakeReply {
	if (variant === 'proxy-empty') return { status: 200, raw: Buffer.alloc(0) };
	if (variant === 'proxy-null') return { status: 200, text: 'null', headers: { 'content-type': 'application/json' } };
	return { status: 400, json: { code: 4, description: 'task_no_found ', type: 'upstream_error' } };
}

export type MjStatus = 'NOT_START' | 'SUBMITTED' | 'IN_PROGRESS' | 'SUCCESS' | 'FAILURE' | 'MODAL';

/** How a task runs. */
export interface TaskPlan {
	/** From submission to its end (default 150 ms). */
	durationMs: number;
	/** How it ends (default SUCCESS; Vary Region and Custom Zoom: MODAL). */
	outcome: 'SUCCESS' | 'FAILURE' | 'MODAL';
	failReason?: string;
	/** Fails (FAILURE) at this poll, whatever the time. */
	failAtPoll?: number;
	/** Stays IN_PROGRESS forever. */
	never?: boolean;
	/** Ends only once this resolves (and durationMs has passed). */
	gate?: Promise<void>;
	/** The submission's reply comes this late (the task is recorded at once): a submit that times out. */
	replyDelayMs?: number;
	/** The submit reply: code and whether `result` is a number. */
	code?: number;
	numericId?: boolean;
	description?: string;
	/** Fetches answered with CometAPI's error envelope instead of the task (answer 'envelope' only). */
	detour?: PollDetour;
}

export interface MjTask {
	id: string;
	action: string;
	prompt: string;
	botType: string;
	body: Record<string, unknown>;
	submitTime: number;
	/** Fetches answered with the task. */
	polls: number;
	/** Every fetch answered, detours included. */
	looks: number;
	/** Fetches answered with the plan's detour. */
	detoured: number;
	plan: TaskPlan;
	/** The task this one came from (Action, Modal). */
	parentId?: string;
	/** Once read as ended, it stays so. */
	ended?: { status: MjStatus; finishTime: number; progress: string };
}

export type Planner = (route: string, body: Record<string, unknown>) => Partial<TaskPlan> | undefined;

export const DESCRIBE_PROMPTS = [
	'a lighthouse on a cliff at dawn, watercolor --ar 3:2',
	'an old lighthouse in soft morning light, pastel painting --ar 3:2',
	'coastal landscape with a white tower, loose brush strokes --ar 3:2',
	'minimalist lighthouse illustration, muted colors --ar 3:2',
];
const KEYCAPS = ['1️⃣', '2️⃣', '3️⃣', '4️⃣'];

const tasks = new Map<string, MjTask>();
let planner: Planner = () => undefined;
let imagesNeedKey = false;
let unknownTask: MjUnknownTask = 'gateway-400';
let listByCondition: MjListRoute = 'served';
let counter = 0;

/** The image a finished task serves: upscales are JPEG, everything else PNG (distinct bytes per task). */
export function taskImage(task: Pick<MjTask, 'action' | 'id'>): { data: Buffer; contentType: string } {
	const seed = Number(task.id.slice(-3)) % 250;
	return task.action === 'UPSCALE' ? { data: makeJpeg(8, 8, seed), contentType: 'image/jpeg' } : { data: makePng(8, 8, seed), contentType: 'image/png' };
}

const hashOf = (id: string) => createHash('sha1').update(id).digest('hex').slice(0, 32);

/** The buttons of a finished task: their customIds carry the task's hash. */
export function buttonsOf(task: MjTask): Array<Record<string, unknown>> {
	const hash = hashOf(task.id);
	const button = (customId: string, label: string, emoji = '') => ({ customId, emoji, label, type: 2, style: 2 });
	if (task.action === 'UPSCALE') {
		return [
			button(`MJ::JOB::high_variation::1::${hash}::SOLO`, 'Vary (Strong)', '🪄'),
			button(`MJ::JOB::low_variation::1::${hash}::SOLO`, 'Vary (Subtle)', '🪄'),
			button(`MJ::Inpaint::1::${hash}::SOLO`, 'Vary (Region)', '🖌️'),
			button(`MJ::Outpaint::50::1::${hash}::SOLO`, 'Zoom Out 2x', '🔍'),
			button(`MJ::CustomZoom::${hash}`, 'Custom Zoom', '🔍'),
		];
	}
	if (task.action === 'DESCRIBE') return [];
	return [
		...[1, 2, 3, 4].map((n) => button(`MJ::JOB::upsample::${n}::${hash}`, `U${n}`)),
		button(`MJ::JOB::reroll::0::${hash}::SOLO`, '', '🔄'),
		...[1, 2, 3, 4].map((n) => button(`MJ::JOB::variation::${n}::${hash}`, `V${n}`)),
	];
}

function statusOf(task: MjTask, now: number): { status: MjStatus; progress: string } {
	if (task.ended) return task.ended;
	const { plan } = task;
	const fraction = (now - task.submitTime) / plan.durationMs;
	const running = (): { status: MjStatus; progress: string } => {
		if (fraction < 0.15) return { status: 'NOT_START', progress: '0%' };
		if (fraction < 0.3) return { status: 'SUBMITTED', progress: '0%' };
		return { status: 'IN_PROGRESS', progress: `${Math.min(99, Math.floor(fraction * 100))}%` };
	};
	// A failure keeps the progress the task had reached.
	if (plan.failAtPoll !== undefined && task.polls >= plan.failAtPoll) {
		task.ended = { status: 'FAILURE', finishTime: now, progress: running().progress };
		return task.ended;
	}
	const gateOpen = !plan.gate || (plan.gate as Promise<void> & { open?: boolean }).open === true;
	if (!plan.never && fraction >= 1 && gateOpen) {
		task.ended = { status: plan.outcome, finishTime: now, progress: plan.outcome === 'FAILURE' ? '37%' : '100%' };
		return task.ended;
	}
	return running();
}

/** The fetch reply for a task (what GET /mj/task/{id}/fetch answers). */
export function taskReply(task: MjTask, origin: string, now = Date.now()): Record<string, unknown> {
	const { status, progress } = statusOf(task, now);
	const finished = status === 'SUCCESS';
	const describe = task.action === 'DESCRIBE';
	return {
		id: task.id,
		action: task.action,
		status,
		progress,
		prompt: task.prompt,
		promptEn: describe && finished ? DESCRIBE_PROMPTS.map((p, i) => `${KEYCAPS[i]} ${p}`).join('\n\n') : task.prompt,
		description: status === 'FAILURE' ? 'Task failed' : 'Submission successful',
		state: task.body.state ?? '',
		botType: task.botType,
		imageUrl: finished || status === 'MODAL' ? `${origin}/mj/image/${task.id}` : '',
		videoUrl: '',
		buttons: finished ? buttonsOf(task) : [],
		failReason: status === 'FAILURE' ? (task.plan.failReason ?? 'Job action restricted: banned prompt detected') : '',
		submitTime: task.submitTime,
		startTime: status === 'NOT_START' ? 0 : task.submitTime + 5,
		finishTime: task.ended?.finishTime ?? 0,
		properties: { discordInstanceId: 'fake-instance' },
	};
}

/** A refused submission: midjourney-proxy answers HTTP 200 with a code other than 1. */
const refused = (description: string, code = 4): FakeReply => ({ json: { code, description, result: null } });

class Refused extends Error {
	constructor(readonly reply: FakeReply) {
		super('refused');
	}
}
const refuse = (description: string): never => {
	throw new Refused(refused(description));
};

const DATA_URI = /^data:image\/(png|jpeg|webp|gif);base64,([A-Za-z0-9+/]+={0,2})$/;
const KNOWN_FIELDS: Record<string, string[]> = {
	imagine: ['prompt', 'botType', 'base64Array', 'accountFilter', 'notifyHook', 'state'],
	action: ['taskId', 'customId', 'state', 'notifyHook', 'enableRemix', 'chooseSameChannel', 'accountFilter'],
	blend: ['base64Array', 'dimensions', 'botType', 'notifyHook', 'state', 'accountFilter'],
	describe: ['base64', 'link', 'botType', 'notifyHook', 'state', 'accountFilter'],
	modal: ['taskId', 'maskBase64', 'prompt', 'notifyHook', 'state'],
};

function checkDataUri(value: unknown, field: string): void {
	if (typeof value !== 'string' || !DATA_URI.test(value)) refuse(`${field} must be a base64 data URI (data:image/png;base64,…)`);
}

function checkBotType(body: Record<string, unknown>): string {
	const botType = body.botType ?? 'MID_JOURNEY';
	if (botType !== 'MID_JOURNEY' && botType !== 'NIJI_JOURNEY') refuse(`botType must be MID_JOURNEY or NIJI_JOURNEY, got ${JSON.stringify(botType)}`);
	return String(botType);
}

/** The action a button's customId starts, and whether it opens a form (MODAL). */
function actionOf(customId: string): { action: string; modal: boolean } {
	if (customId.includes('::upsample::')) return { action: 'UPSCALE', modal: false };
	if (customId.includes('::reroll::')) return { action: 'REROLL', modal: false };
	if (customId.includes('::Inpaint::')) return { action: 'INPAINT', modal: true };
	if (customId.includes('::CustomZoom::')) return { action: 'ZOOM', modal: true };
	if (customId.includes('::Outpaint::')) return { action: 'ZOOM', modal: false };
	return { action: 'VARIATION', modal: false };
}

function findTask(id: unknown): MjTask {
	const task = typeof id === 'string' ? tasks.get(id) : undefined;
	if (!task) return refuse(`task ${String(id)} does not exist`);
	return task;
}

/** Checks a submission as the API does; returns the new task's action, prompt and parent. */
function readSubmission(route: string, body: Record<string, unknown>, now: number): Pick<MjTask, 'action' | 'prompt' | 'botType' | 'parentId'> & { modal?: boolean } {
	for (const key of Object.keys(body)) if (!KNOWN_FIELDS[route].includes(key)) refuse(`unknown field ${key}`);
	switch (route) {
		case 'imagine': {
			if (typeof body.prompt !== 'string' || body.prompt.trim() === '') refuse('prompt is required');
			if (body.base64Array !== undefined) {
				if (!Array.isArray(body.base64Array) || body.base64Array.length > 5) refuse('base64Array must be a list of at most 5 images');
				(body.base64Array as unknown[]).forEach((uri, i) => checkDataUri(uri, `base64Array[${i}]`));
			}
			return { action: 'IMAGINE', prompt: String(body.prompt), botType: checkBotType(body) };
		}
		case 'blend': {
			if (!Array.isArray(body.base64Array) || body.base64Array.length < 2 || body.base64Array.length > 5) refuse('base64Array must hold 2 to 5 images');
			(body.base64Array as unknown[]).forEach((uri, i) => checkDataUri(uri, `base64Array[${i}]`));
			if (body.dimensions !== undefined && !['PORTRAIT', 'SQUARE', 'LANDSCAPE'].includes(String(body.dimensions))) refuse('dimensions must be PORTRAIT, SQUARE or LANDSCAPE');
			return { action: 'BLEND', prompt: '', botType: checkBotType(body) };
		}
		case 'describe': {
			if (body.base64 === undefined && typeof body.link !== 'string') refuse('base64 or link is required');
			if (body.base64 !== undefined) checkDataUri(body.base64, 'base64');
			return { action: 'DESCRIBE', prompt: '', botType: checkBotType(body) };
		}
		case 'action': {
			const parent = findTask(body.taskId);
			if (statusOf(parent, now).status !== 'SUCCESS') refuse(`task ${parent.id} has not finished`);
			const customId = String(body.customId ?? '');
			if (!buttonsOf(parent).some((button) => button.customId === customId)) refuse(`customId ${customId} is not a button of task ${parent.id}`);
			const { action, modal } = actionOf(customId);
			return { action, prompt: parent.prompt, botType: parent.botType, parentId: parent.id, modal };
		}
		default: {
			const parent = findTask(body.taskId);
			if (statusOf(parent, now).status !== 'MODAL') refuse(`task ${parent.id} is not waiting for a modal`);
			if (typeof body.prompt !== 'string') refuse('prompt is required');
			if (body.maskBase64 !== undefined) checkDataUri(body.maskBase64, 'maskBase64');
			return { action: parent.action === 'INPAINT' ? 'VARIATION' : 'ZOOM', prompt: String(body.prompt), botType: parent.botType, parentId: parent.id };
		}
	}
}

// Submit: midjourney-proxy's POST /mj/submit/* → 200 {code, description, result, properties} (SubmitController, SubmitResultVO); CometAPI's midjourney pages; new-api rewrites codes 21/22 to 1.
registerRoutePattern('POST', /^\/mj\/submit\/(imagine|action|blend|describe|modal)$/, (request) => {
	if (!request.json) return errorReply(400, 'Invalid JSON body', 'invalid_request');
	const route = request.path.slice('/mj/submit/'.length);
	const body = request.json;
	const now = Date.now();
	try {
		const facts = readSubmission(route, body, now);
		const custom = planner(route, body) ?? {};
		const plan: TaskPlan = { durationMs: 150, outcome: facts.modal ? 'MODAL' : 'SUCCESS', ...custom };
		if (plan.detour && plan.detour.answer !== 'envelope') throw new Error('a Midjourney detour answers the envelope only');
		const id = `${now}${String(++counter).padStart(3, '0')}`;
		tasks.set(id, { id, action: facts.action, prompt: facts.prompt, botType: facts.botType, parentId: facts.parentId, body, submitTime: now, polls: 0, looks: 0, detoured: 0, plan });
		const code = plan.code ?? 1;
		const reply = { code, description: plan.description ?? 'Submission successful', result: plan.numericId ? Number(id) : id, properties: { discordInstanceId: 'fake-instance', numberOfQueues: 0 } };
		return { json: reply, ...(plan.replyDelayMs ? { delayMs: plan.replyDelayMs } : {}) };
	} catch (error) {
		return error instanceof Refused ? error.reply : errorReply(500, `fake API failure: ${(error as Error).message}`);
	}
});

// Poll: midjourney-proxy's GET /mj/task/{id}/fetch → the Task (TaskController.fetch); new-api's copy of it (coverMidjourneyTaskDto);
// unknown ID: `unknownTask` (new-api 400 task_no_found / proxy's empty or null 200); detour: new-api's relay error in a 200.
registerRoutePattern('GET', /^\/mj\/task\/[^/]+\/fetch$/, (request) => {
	const id = decodeURIComponent(request.path.split('/')[3]);
	const task = tasks.get(id);
	if (!task) return unknownTaskReply(unknownTask);
	const detour = takeDetour(task, task.plan.detour);
	if (detour) {
		task.detoured += 1;
		return envelopeReply(detour);
	}
	task.polls += 1;
	return { json: taskReply(task, `http://${String(request.headers.host)}`) };
});

// Many tasks: new-api's POST /mj/task/list-by-condition {"ids": […]} (relay/mjproxy_handler.go RelayMidjourneyTask,
// RelayModeMidjourneyTaskFetchByCondition: model.GetByMJIds, SQL IN) → a bare array of the tasks it knows, unknown IDs
// left out, [] when none, in no set order (shuffled here); a task with a detour due answers the envelope for the whole list.
registerRoutePattern('POST', /^\/mj\/task\/list-by-condition$/, (request) => {
	if (listByCondition !== 'served') return listRefusal(listByCondition);
	const ids = request.json?.ids;
	if (!Array.isArray(ids)) return { status: 400, json: { code: 4, description: 'do_request_failed ', type: 'upstream_error' } };
	const found = ids.flatMap((id) => {
		const task = typeof id === 'string' ? tasks.get(id) : undefined;
		return task ? [task] : [];
	});
	const detour = found.map((task) => takeDetour(task, task.plan.detour)).find(Boolean);
	if (detour) {
		for (const task of found) task.detoured += 1;
		return envelopeReply(detour);
	}
	const origin = `http://${String(request.headers.host)}`;
	const listed = found.map((task) => {
		task.polls += 1;
		return taskReply(task, origin);
	});
	for (let i = listed.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[listed[i], listed[j]] = [listed[j], listed[i]];
	}
	return { json: listed as unknown as Record<string, unknown> };
});

/** Whether a request is a look at tasks: a fetch of one, or list-by-condition of many. */
export function isMjPoll(request: { path: string }): boolean {
	return request.path.endsWith('/fetch') || request.path === '/mj/task/list-by-condition';
}

/** A task as a look answers it: itself to a fetch, a list of it to list-by-condition (for overrides of polls). */
export function pollReplyWith(request: { path: string }, task: Record<string, unknown>): FakeReply {
	return { json: (request.path.endsWith('/fetch') ? task : [task]) as Record<string, unknown> };
}

/** How list-by-condition answers: served (default), or refused as a gateway without the route would (404, 405, 400). */
export type MjListRoute = 'served' | 404 | 405 | 400;

function listRefusal(status: 404 | 405 | 400): FakeReply {
	if (status === 400) return { status: 400, json: { code: 4, description: 'unknown relay mode', type: 'upstream_error' } };
	return errorReply(status, status === 404 ? 'Invalid URL (POST /mj/task/list-by-condition)' : 'Method Not Allowed', status === 404 ? 'invalid_request' : '');
}

// Image: new-api's GET /mj/image/{id}, registered before token auth (relay-router.go), streams the task's image (RelayMidjourneyImage).
registerRoutePattern(
	'GET',
	/^\/mj\/image\/[^/]+$/,
	(request) => {
		if (imagesNeedKey && request.headers.authorization !== `Bearer ${API_KEY}`) return errorReply(401, 'Unauthorized', '');
		const task = tasks.get(request.path.split('/')[3]);
		if (!task) return { status: 400, json: { error: 'midjourney_task_not_found' } };
		const image = taskImage(task);
		return { raw: image.data, headers: { 'content-type': image.contentType, 'content-length': String(image.data.length) } };
	},
	{ public: true },
);

/** The tasks the fake holds (for tests that start the fake API themselves, e.g. the e2e). */
export function fakeTasks(): Map<string, MjTask> {
	return tasks;
}

/** Plans the next tasks your way, until resetFakeMidjourney() (for tests that start the fake API themselves). */
export function planFakeMidjourney(next: Planner): void {
	planner = next;
}

/** Answers fetches of unknown task IDs as this variant does, until resetFakeMidjourney(). */
export function answerUnknownTask(variant: MjUnknownTask): void {
	unknownTask = variant;
}

/** Forgets every task and plan, serves images without the key again, answers unknown IDs as the gateway. */
export function resetFakeMidjourney(): void {
	tasks.clear();
	planner = () => undefined;
	imagesNeedKey = false;
	unknownTask = 'gateway-400';
	listByCondition = 'served';
}

/** Answers list-by-condition this way, until resetFakeMidjourney(). */
export function serveListByCondition(route: MjListRoute): void {
	listByCondition = route;
}

/** A gate for TaskPlan.gate: tasks wait for open(). */
export function gate(): { promise: Promise<void>; open(): void } {
	let resolve: () => void = () => {};
	const promise = new Promise<void>((r) => (resolve = r)) as Promise<void> & { open?: boolean };
	return {
		promise,
		open() {
			promise.open = true;
			resolve();
		},
	};
}

export interface FakeMidjourney {
	readonly api: FakeCometApi;
	/** The tasks the fake holds, by ID. */
	tasks: Map<string, MjTask>;
	/** Plans the next tasks your way (until the next test). */
	plan(planner: Planner): void;
	/** The proxied image links answer 401 without the key. */
	requireKeyForImages(): void;
	/** How a fetch of an unknown task ID is answered (default 'gateway-400', what CometAPI's new-api sends). */
	unknownTask: MjUnknownTask;
	/** How POST /mj/task/list-by-condition answers (default 'served'). */
	listRoute: MjListRoute;
	/** Runs the Midjourney resource with these parameters (Poll Interval 0.02 s unless given). */
	run(parameters: Record<string, unknown>, extra?: Partial<RunOptions>): Promise<NodeRun>;
	/** The Midjourney requests the fake API received, as "METHOD /path". */
	sequence(): string[];
	/** The submissions the fake received (body and route). */
	submissions(route?: string): RecordedRequest[];
	/** The task a submission created (the newest first when there are several). */
	lastTask(): MjTask;
}

/** For a test file: the fake CometAPI with its Midjourney routes, reset before each test. */
export function useFakeMidjourney(options: { filesystemBinaryMode?: boolean } = {}): FakeMidjourney {
	const api = useFakeCometApi(options);
	beforeEach(resetFakeMidjourney);
	const mjRequests = () => api.requests.filter((r) => r.path.startsWith('/mj/'));
	return {
		api,
		tasks,
		plan: (next) => (planner = next),
		requireKeyForImages: () => (imagesNeedKey = true),
		get unknownTask() {
			return unknownTask;
		},
		set unknownTask(variant: MjUnknownTask) {
			unknownTask = variant;
		},
		get listRoute() {
			return listByCondition;
		},
		set listRoute(route: MjListRoute) {
			listByCondition = route;
		},
		run: async (parameters, extra = {}) => {
			const { options: given, ...rest } = parameters as { options?: Record<string, unknown> };
			return await runCometApi({
				parameters: { resource: 'midjourney', ...rest, options: { pollInterval: 0.02, ...given } },
				credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
				...extra,
			});
		},
		sequence: () => mjRequests().map((r) => `${r.method} ${r.path.replace(/\/\d{10,}(?=\/|$)/, '/{id}')}`),
		submissions: (route) => mjRequests().filter((r) => r.path.startsWith(`/mj/submit/${route ?? ''}`)),
		lastTask: () => [...tasks.values()].at(-1)!,
	};
}
