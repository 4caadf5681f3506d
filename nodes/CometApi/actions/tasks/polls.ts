import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { apiListRequest, waitUnlessCancelled, type ApiRequest } from '../../transport';
import type { TaskRun } from './engine';

/*
 * How often a run looks at its tasks, whatever their number (README, Tasks; docs/reliability.md):
 *
 * - every family has one pacer per run: its polls take turns, at most POLLS_PER_SECOND a second
 *   (one every 1 / POLLS_PER_SECOND s), a batch read counting as one. A task whose turn comes late
 *   looks later; its own pauses (Poll Interval, ×1.5 up to ×5) and Max Wait are unchanged.
 *   Submissions never wait for a turn: the polls in flight hold at most
 *   POLLS_PER_SECOND × (a poll's latency) request slots, the rest go to submissions.
 * - a family with a batch route (Midjourney's list-by-condition) reads all the tasks due at one turn
 *   with one request, up to its batch size each; a request with room left also reads tasks that
 *   are pausing (the longest unread first), and a task it finds ended stops pausing at once; a task missing from the answer is read once with
 *   its own fetch (to tell "not found" from "left out"); one batch request is in flight at a time
 *   (BATCH_TIMEOUT_SECONDS at most), so its polls reach the API at most POLLS_PER_SECOND a second
 *   even when they wait for a request slot; a route the API refuses (404, 405, 400) is
 *   not used again in the run, and every task is read with its own fetch.
 *
 * What a run keeps is keyed by its ledger (one per run, shared by its items). A waiting task holds
 * here only its ID and the promise of its next look while that look is due.
 */

/** The most poll requests one run sends a second, per task family. */
export const POLLS_PER_SECOND = 10;

/** The longest a batch read waits for its answer (less when the item's Timeout is shorter). */
export const BATCH_TIMEOUT_SECONDS = 30;

/** A family's route that reads many tasks in one request (free: it changes and charges nothing). */
export interface TaskBatch {
	/** The most task IDs one request asks for. */
	size: number;
	/** The request reading these tasks. */
	request(taskIds: string[]): ApiRequest;
	/** The task ID of one entry of the answer. */
	idOf(entry: IDataObject): string;
}

/** What a batch read found of one task. */
export type BatchLook =
	| { kind: 'read'; reply: IDataObject }
	/** Not in the answer, or the answer was not a list: read it with its own fetch. */
	| { kind: 'single' }
	/** The request failed (a 429, 5xx, reset, timeout…). */
	| { kind: 'failed'; error: unknown };

/**
 * Spaces a family's polls at least 1 / perSecond apart (2 % more, so no second ever holds more
 * than perSecond of them, a timer's jitter included), in the order they asked.
 */
export class PollPacer {
	private next = 0;
	private last = -Infinity;
	private readonly gapMs: number;

	constructor(perSecond: number) {
		this.gapMs = (1000 / perSecond) * 1.02;
	}

	/** Waits for the next turn; false when the signal aborted first. */
	async turn(signal?: AbortSignal): Promise<boolean> {
		for (;;) {
			const now = Date.now();
			const at = Math.max(now, this.next, this.last + this.gapMs);
			this.next = at + this.gapMs;
			if (at > now && !(await waitUnlessCancelled(at - now, signal))) return false;
			if (signal?.aborted) return false;
			// a turn whose timer fired late does not bring the next one closer
			if (Date.now() >= this.last + this.gapMs) {
				this.last = Date.now();
				return true;
			}
		}
	}

	/** A poll was answered: the next turn comes one gap after now, so its arrival cannot come closer to this one's. */
	answered(): void {
		this.last = Math.max(this.last, Date.now());
	}
}

interface Waiter {
	taskId: string;
	settings: Partial<ApiRequest>;
	itemIndex: number;
	run: TaskRun;
	context: IExecuteFunctions;
	resolve(look: BatchLook): void;
}

/** The refusals that say the API has no such route: the run reads its tasks one by one from then on. */
const ROUTE_REFUSED = new Set([400, 404, 405]);

/** Reads a family's due tasks with one request per turn (TaskBatch). */
export class TaskBatcher {
	/** The API refused the route: every task is read with its own fetch. */
	refused = false;
	private waiting: Waiter[] = [];
	/** The tasks pausing between their looks: a request with room left reads them too, and tells them when they ended. */
	private readonly pausing = new Map<string, (reply: IDataObject) => void>();
	private pumping = false;
	/** Batch requests sent (for tests and measures). */
	sent = 0;

	constructor(
		private readonly batch: TaskBatch,
		private readonly pacer: PollPacer,
	) {}

	/** The task as the next batch read finds it. */
	async look(this: TaskBatcher, waiter: Omit<Waiter, 'resolve'>): Promise<BatchLook> {
		return await new Promise<BatchLook>((resolve) => {
			this.waiting.push({ ...waiter, resolve });
			void this.pump();
		});
	}

	/**
	 * While the task pauses, a request with room left reads it too (free, no request more) and hands
	 * its reply to `onReply`; returns the function that stops this.
	 */
	watch(taskId: string, onReply: (reply: IDataObject) => void): () => void {
		this.pausing.set(taskId, onReply);
		return () => {
			if (this.pausing.get(taskId) === onReply) this.pausing.delete(taskId);
		};
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiting.length > 0) {
				// while this turn comes, more tasks become due: they go in the same request
				if (!(await this.pacer.turn(this.waiting[0].run.signal))) {
					for (const waiter of this.waiting.splice(0)) waiter.resolve({ kind: 'single' });
					break;
				}
				if (this.refused) {
					for (const waiter of this.waiting.splice(0)) waiter.resolve({ kind: 'single' });
					break;
				}
				// one batch request at a time: waiting for a request slot cannot bunch them on the wire
				await this.send(this.waiting.splice(0, this.batch.size));
				this.pacer.answered();
			}
		} finally {
			this.pumping = false;
		}
	}

	private async send(chunk: Waiter[]): Promise<void> {
		const [first] = chunk;
		const ids = [...new Set(chunk.map((waiter) => waiter.taskId))];
		// room left: the pausing tasks the longest unread go along (each moves to the back of the line)
		const along: string[] = [];
		for (const taskId of this.pausing.keys()) {
			if (ids.length + along.length >= this.batch.size) break;
			if (!ids.includes(taskId)) along.push(taskId);
		}
		for (const taskId of along) {
			const onReply = this.pausing.get(taskId)!;
			this.pausing.delete(taskId);
			this.pausing.set(taskId, onReply);
		}
		this.sent += 1;
		try {
			const request: ApiRequest = {
				...this.batch.request([...ids, ...along]),
				// a batch read that hangs holds every task's look: it is a missed look after BATCH_TIMEOUT_SECONDS
				timeoutSeconds: Math.min(first.settings.timeoutSeconds ?? BATCH_TIMEOUT_SECONDS, BATCH_TIMEOUT_SECONDS),
				// one attempt: a failed read is a missed look for each task, whose own loop looks again
				maxRetries: 0,
				rateLimitWaitSeconds: 0,
				free: true,
				itemIndex: first.itemIndex,
			};
			const answer = await apiListRequest.call(first.context, request, first.run);
			if (!Array.isArray(answer)) {
				// an error inside an HTTP 200: each task's own fetch reads (and quotes) it
				for (const waiter of chunk) waiter.resolve({ kind: 'single' });
				return;
			}
			const found = new Map<string, IDataObject>();
			for (const entry of answer) found.set(this.batch.idOf(entry), entry);
			for (const waiter of chunk) {
				const reply = found.get(waiter.taskId);
				waiter.resolve(reply ? { kind: 'read', reply } : { kind: 'single' });
			}
			for (const taskId of along) {
				const reply = found.get(taskId);
				if (reply) this.pausing.get(taskId)?.(reply);
			}
		} catch (error) {
			if (error instanceof NodeApiError && ROUTE_REFUSED.has(Number(error.httpCode))) {
				this.refused = true;
				for (const waiter of chunk) waiter.resolve({ kind: 'single' });
				return;
			}
			for (const waiter of chunk) waiter.resolve({ kind: 'failed', error });
		}
	}
}

interface RunPolls {
	pacers: Map<string, PollPacer>;
	batchers: Map<string, TaskBatcher>;
}

const runs = new WeakMap<object, RunPolls>();

function pollsOf(run: TaskRun): RunPolls | undefined {
	// the ledger is the run's own object, shared by its items (each item has its own copy of the run)
	const key = run.tasks;
	if (!key) return undefined;
	let polls = runs.get(key);
	if (!polls) {
		polls = { pacers: new Map(), batchers: new Map() };
		runs.set(key, polls);
	}
	return polls;
}

/** The run's pacer of this family (undefined: a run without a ledger, e.g. a bare engine call). */
export function pacerOf(run: TaskRun, provider: string): PollPacer | undefined {
	const polls = pollsOf(run);
	if (!polls) return undefined;
	let pacer = polls.pacers.get(provider);
	if (!pacer) {
		pacer = new PollPacer(POLLS_PER_SECOND);
		polls.pacers.set(provider, pacer);
	}
	return pacer;
}

/** The run's batch reader of this family, when the family has a batch route and the API has not refused it. */
export function batcherOf(run: TaskRun, provider: string, batch: TaskBatch | undefined): TaskBatcher | undefined {
	if (!batch) return undefined;
	const polls = pollsOf(run);
	const pacer = pacerOf(run, provider);
	if (!polls || !pacer) return undefined;
	let batcher = polls.batchers.get(provider);
	if (!batcher) {
		batcher = new TaskBatcher(batch, pacer);
		polls.batchers.set(provider, batcher);
	}
	return batcher.refused ? undefined : batcher;
}
