import { API_KEY, BadRequest, errorReply, type FakeCometApi, type FakeReply, type RecordedRequest, type RouteContext } from './fake-cometapi';
import { runCometApi, type NodeRun, type RunOptions } from './harness';
import { makeJpeg, makePng } from './images';
import { useFakeCometApi } from './setup';

/*
 * What the fake task APIs (fake-flux.ts, fake-replicate.ts, fake-kling.ts, fake-bria.ts) share: a
 * book of tasks per provider, each a strict status machine. A submission creates a task with the
 * plan the test set (by default: running once, then done); each poll of the task moves it one step
 * along its plan and answers that step's status; a task ended stays ended; an unknown or expired ID
 * gets the provider's not-found answer. Plans are checked against the provider's statuses, so a test
 * cannot make a provider answer a status it never would. A plan's detour answers a stretch of polls
 * otherwise (an error envelope in a 200, a Kling code) without moving the task. Where each reply's
 * shape comes from: FAKES.md.
 */

/**
 * A stretch of polls answered with something other than the task's status; the task does not move
 * meanwhile. Real services answer this way (see FAKES.md): an error envelope in an HTTP 200 (what a
 * gateway relays when the service behind it reported an error with a 200), or Kling's envelope with
 * a non-zero code.
 */
export interface PollDetour {
	/** The first poll answered this way (1 = the first poll of the task). */
	fromPoll: number;
	/** How many polls in a row (default: every poll from then on). */
	polls?: number;
	/** 'envelope': CometAPI's `{"error":{message,type,param,code}}`; a number: Kling's `{code, message}` with that code (Kling only). */
	answer: 'envelope' | number;
	/** The HTTP status; default 200 for the envelope, the status Kling documents for its code. */
	httpStatus?: number;
	/** The message (default: a gateway's "fail_to_fetch_task" wording, or Kling's documented meaning of the code). */
	message?: string;
	/** The envelope's error.code (default "fail_to_fetch_task", as new-api's task relay names a failed upstream fetch). */
	code?: string;
}

export const ENVELOPE_MESSAGE = 'upstream task query failed: the provider answered with an error';

/**
 * CometAPI's error envelope (new-api's OpenAI-style relay error) with the given HTTP status; with 200
 * it is what new-api sends when the service behind it put its error in a 200 (it keeps the
 * upstream's status: types.WithOpenAIError(err, resp.StatusCode)).
 */
export function envelopeReply(detour: Pick<PollDetour, 'httpStatus' | 'message' | 'code'> = {}): FakeReply {
	return errorReply(detour.httpStatus ?? 200, detour.message ?? ENVELOPE_MESSAGE, detour.code ?? 'fail_to_fetch_task');
}

/** Counts a poll of something with a detour plan; returns the detour when this poll takes it. */
export function takeDetour(looks: { looks: number }, detour: PollDetour | undefined): PollDetour | undefined {
	looks.looks += 1;
	if (!detour) return undefined;
	const last = detour.polls === undefined ? Infinity : detour.fromPoll + detour.polls - 1;
	return looks.looks >= detour.fromPoll && looks.looks <= last ? detour : undefined;
}

export interface TaskPlan {
	/** The status each poll answers, in order; the last one repeats. */
	statuses: string[];
	/** Polls answered otherwise, without moving the task (an error envelope in a 200, a Kling code). */
	detour?: PollDetour;
	/** After this many polls the task is forgotten (expired): polls get the provider's not-found. */
	expireAfterPolls?: number;
	/** How many result images a finished task has (default: what the submission asked for, else 1). */
	images?: number;
	/** Why the task failed, for a failed status. */
	reason?: string;
}

export interface FakeTask {
	id: string;
	/** The submission that created it. */
	request: RecordedRequest;
	body: Record<string, unknown>;
	plan: TaskPlan;
	/** Polls that moved the task (a detour does not). */
	polls: number;
	/** Every poll answered, detours included. */
	looks: number;
	/** Polls answered with the plan's detour. */
	detoured: number;
	/** The result images' URLs, published once the task reached its finished status. */
	urls: string[];
	/** The result images' bytes, in order. */
	images: Buffer[];
}

export interface ProviderStatuses {
	running: string[];
	done: string;
	failed: string[];
}

/** One provider's tasks. */
export class TaskBook {
	readonly tasks = new Map<string, FakeTask>();
	private plans: TaskPlan[] = [];
	private counter = 0;

	constructor(
		readonly provider: string,
		readonly statuses: ProviderStatuses,
		private readonly defaultPlan: TaskPlan,
		/** The non-zero codes a detour may answer (Kling's documented ones); none: envelopes only. */
		private readonly detourCodes: number[] = [],
	) {}

	/** The plan of the next submissions, in order (then the default plan again). */
	plan(...plans: TaskPlan[]): void {
		for (const plan of plans) this.check(plan);
		this.plans.push(...plans);
	}

	reset(): void {
		this.tasks.clear();
		this.plans = [];
	}

	private check(plan: TaskPlan): void {
		const { running, done, failed } = this.statuses;
		plan.statuses.forEach((status, index) => {
			const last = index === plan.statuses.length - 1;
			if (running.includes(status)) return;
			if ((status === done || failed.includes(status)) && last) return;
			throw new Error(`${this.provider} plan ${JSON.stringify(plan.statuses)}: "${status}" ${last ? 'is no status of this provider' : 'ends the task, so it must come last'}`);
		});
		const answer = plan.detour?.answer;
		if (typeof answer === 'number' && !this.detourCodes.includes(answer)) {
			throw new Error(`${this.provider} plan: code ${answer} is no code ${this.provider} documents for its replies`);
		}
	}

	create(request: RecordedRequest, body: Record<string, unknown>, imageCount = 1, given?: TaskPlan): FakeTask {
		const plan = given ?? this.plans.shift() ?? this.defaultPlan;
		const id = `${this.provider.toLowerCase()}-task-${++this.counter}-${Date.now().toString(36)}`;
		const task: FakeTask = { id, request, body, plan: { images: imageCount, ...plan }, polls: 0, looks: 0, detoured: 0, urls: [], images: [] };
		this.tasks.set(id, task);
		return task;
	}

	/**
	 * A task that exists without a submission through the API (for Get Task tests): it runs on this
	 * plan; `body` stands for what its submission held.
	 */
	seed(plan: TaskPlan, body: Record<string, unknown> = {}): FakeTask {
		this.check(plan);
		const request: RecordedRequest = { method: 'POST', path: '(seeded)', headers: {}, body: Buffer.alloc(0), receivedAt: Date.now() };
		return this.create(request, body, 1, plan);
	}

	/**
	 * The detour this poll of the task takes, if its plan has one for this poll (counted as a look,
	 * the task does not move); undefined for an unknown task or a poll answered normally.
	 */
	detour(id: string): PollDetour | undefined {
		const task = this.tasks.get(id);
		if (!task) return undefined;
		const detour = takeDetour(task, task.plan.detour);
		if (detour) task.detoured += 1;
		return detour;
	}

	/**
	 * Moves the task one step and returns it with the status of this poll; undefined when the ID is
	 * unknown or the task expired. A finished task's images are published on its first finished poll.
	 */
	poll(id: string, context: RouteContext, format?: string): { task: FakeTask; status: string; phase: 'running' | 'done' | 'failed' } | undefined {
		const task = this.tasks.get(id);
		if (!task) return undefined;
		if (task.plan.expireAfterPolls !== undefined && task.polls >= task.plan.expireAfterPolls) {
			this.tasks.delete(id);
			return undefined;
		}
		const status = task.plan.statuses[Math.min(task.polls, task.plan.statuses.length - 1)];
		task.polls += 1;
		const phase = status === this.statuses.done ? 'done' : this.statuses.failed.includes(status) ? 'failed' : 'running';
		if (phase === 'done') this.finish(task, context, format);
		return { task, status, phase };
	}

	/** Publishes the task's result images (once). */
	finish(task: FakeTask, context: RouteContext, format?: string): void {
		if (task.urls.length === 0) publishImages(task, context, format);
	}
}

/** The result images of a task: PNGs (or JPEGs), seeded by their position, on the image host. */
export function resultImage(index: number, format?: string): Buffer {
	return format === 'jpeg' || format === 'jpg' ? makeJpeg(8, 8, index + 1) : makePng(8, 8, index + 1);
}

function publishImages(task: FakeTask, context: RouteContext, format?: string): void {
	const count = task.plan.images ?? 1;
	for (let index = 0; index < count; index++) {
		const image = resultImage(index, format);
		const extension = format === 'jpeg' || format === 'jpg' ? 'jpeg' : 'png';
		task.images.push(image);
		task.urls.push(context.imageHost.publish(`results/${task.id}/${index + 1}.${extension}`, image, `image/${extension}`));
	}
}

/** The JSON body of a submission, or the API's 400. */
export function jsonBody(request: RecordedRequest): Record<string, unknown> {
	if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
		throw new BadRequest(errorReply(400, 'Content-Type must be application/json', 'invalid_request'));
	}
	if (!request.json) throw new BadRequest(errorReply(400, 'Invalid JSON body', 'invalid_json'));
	return request.json;
}

/** Refuses fields a provider does not know. */
export function onlyFields(body: Record<string, unknown>, allowed: Set<string>): void {
	for (const key of Object.keys(body)) {
		if (!allowed.has(key)) throw new BadRequest(errorReply(400, `Unknown parameter: '${key}'`, 'invalid_request', key));
	}
}

/** Checks an image sent as base64: raw (no data: prefix) or a data URI, as the provider wants. */
export function imageIn(value: unknown, field: string, form: 'raw' | 'dataUri', maxBytes = 50 * 1024 * 1024): Buffer {
	const refuse = (why: string) => new BadRequest(errorReply(400, `Invalid '${field}': ${why}`, 'invalid_request', field));
	if (typeof value !== 'string' || value === '') throw refuse('expected a base64 image');
	let text = value;
	if (form === 'dataUri') {
		const match = /^data:(image\/(?:png|jpeg|webp));base64,(.*)$/s.exec(value);
		if (!match) throw refuse('expected a data URI of a PNG, JPEG or WEBP image');
		text = match[2];
	} else if (value.startsWith('data:')) {
		throw refuse('send the base64 without a data: prefix');
	}
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) throw refuse('not valid base64');
	const bytes = Buffer.from(text, 'base64');
	const png = bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));
	const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
	const webp = bytes.toString('latin1', 8, 12) === 'WEBP';
	if (!png && !jpeg && !webp) throw refuse('not a PNG, JPEG or WEBP image');
	if (bytes.length > maxBytes) throw refuse(`larger than ${maxBytes} bytes`);
	return bytes;
}

/** The task books of the fake providers, cleared before each test with useFakeTaskApis. */
export const books: TaskBook[] = [];

export interface FakeTaskApis {
	readonly api: FakeCometApi;
	/** Runs a resource's operation with these parameters (Poll Interval 0.05 s unless given). */
	run(resource: string, operation: string, parameters?: Record<string, unknown>, extra?: Partial<RunOptions>): Promise<NodeRun>;
	/** The requests to paths starting with `prefix`, as "METHOD /path?query". */
	sent(prefix: string): string[];
}

export const FAST_POLL = { pollInterval: 0.05 };

/** For a test file: the fake CometAPI with the task APIs, their books cleared before each test. */
export function useFakeTaskApis(): FakeTaskApis {
	const api = useFakeCometApi();
	beforeEach(() => books.forEach((book) => book.reset()));
	return {
		api,
		run: async (resource, operation, parameters = {}, extra = {}) =>
			await runCometApi({
				parameters: {
					resource,
					operation,
					...parameters,
					options: { ...FAST_POLL, ...((parameters.options as Record<string, unknown> | undefined) ?? {}) },
				},
				credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
				...extra,
			}),
		sent: (prefix) =>
			api.requests
				.filter((request) => request.path.startsWith(prefix))
				.map((request) => {
					const query = new URLSearchParams(request.query ?? {}).toString();
					return `${request.method} ${request.path}${query ? `?${query}` : ''}`;
				}),
	};
}
