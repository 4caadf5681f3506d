import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	apiError,
	apiRequest,
	DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	errorInReply,
	reasonOf,
	waitUnlessCancelled,
	withFacts,
	type ApiErrorDetails,
	type ApiRequest,
	type RequestRun,
} from '../../transport';
import type { TaskLedger } from './ledger';
import { batcherOf, pacerOf, type TaskBatch } from './polls';
import { describeState, taskFailedError, withTask, type TaskOutcome, type TaskState } from './state';

/*
 * The task engine. Task APIs (Midjourney, Flux, Replicate-style, Kling, Bria) answer a submission
 * with a task ID and make the result available later:
 *
 * - the submission is sent ONCE: each arrival is a new billed task, so it is sent again only when it
 *   surely did not reach the API (a 429, a refused connection; `once` in send.ts);
 * - polls are free and change nothing: a poll that fails (5xx, reset, timeout) is only a missed
 *   look, and the next one follows. The pause between polls starts at Poll Interval and grows by half
 *   each time up to five times it (2 s, 3 s, 4.5 s, 6.75 s, 10 s, 10 s… by default), each one moved
 *   by up to ±20 % so many tasks do not poll in step, until the task ends, Max Wait has passed since
 *   the submission was accepted, or the execution is cancelled. A poll is sent once (no retries of
 *   its own, 429s waited out only until Max Wait), so Max Wait is overrun by one poll's Timeout at most;
 * - what the API answers is read as it comes: a task it does not know ("no such task"), and an
 *   error inside an HTTP 200, end the wait at once, quoting CometAPI;
 * - a waiting task holds no request slot: its item gives its slot back once the submission is
 *   answered, and each poll takes one only while it is in flight;
 * - every error after the submission carries the task ID (context.task, and the error item's
 *   `taskId`), so a user can resume with Get Task and never pays twice; every task submitted is
 *   written in the run's ledger (ledger.ts), which a failed run hands back;
 * - a run's polls of one family take turns, at most POLLS_PER_SECOND a second, and Midjourney's
 *   due tasks are read together, one request per turn (polls.ts).
 */

/** One provider family's task API. */
export interface TaskApi {
	/** The provider's name in messages, e.g. "Midjourney". */
	readonly provider: string;
	/** The task ID in the submission's reply; throws, quoting the API, when the submission was refused. */
	taskId(this: IExecuteFunctions, reply: IDataObject, itemIndex: number): string;
	/** The request that reads the task (sent as often as needed). */
	poll(taskId: string): ApiRequest;
	/** The task's state in a poll's reply. */
	state(reply: IDataObject): TaskState;
	/** Whether a poll's reply, or the error a poll failed with, says the API knows no task with this ID. */
	unknownTask?(answer: IDataObject | NodeApiError): boolean;
	/**
	 * The task's end when a refusal of the API (an HTTP error of a submission or poll) says it for
	 * good, whatever its HTTP status; undefined: read it by its status (a 429 or 5xx poll is a missed look).
	 */
	refusal?(details: ApiErrorDetails): TaskState | undefined;
	/** The route that reads many tasks in one request, when the API has one (polls.ts). */
	readonly batch?: TaskBatch;
}

/** The run a task's requests belong to, with the ledger of the tasks it submitted. */
export interface TaskRun extends RequestRun {
	readonly tasks?: TaskLedger;
}

export interface TaskWait {
	/** How long to wait for the task to end, from its submission (0: read it once, do not wait). */
	maxWaitSeconds: number;
	/** The first pause between polls; each pause is 1.5× the last, up to 5× this. */
	pollIntervalSeconds: number;
}

/** The request settings (timeout, retries, rate-limit wait) the item's polls are sent with. */
export type PollSettings = Pick<ApiRequest, 'timeoutSeconds' | 'maxRetries' | 'rateLimitWaitSeconds'>;

/** The refusals the family reads as final (TaskApi.refusal), with the family's reason, for send's finalWhen. */
function finalRefusal(api: TaskApi): ApiRequest['finalWhen'] {
	return api.refusal ? (details) => {
		const state = api.refusal?.(details);
		return state ? (state.cause ?? reasonOf(details)) : undefined;
	} : undefined;
}

/** What an HTTP error of the API said, as errors.ts read it. */
function detailsOf(error: NodeApiError): ApiErrorDetails {
	const status = Number(error.httpCode);
	return {
		message: error.message,
		...(Number.isInteger(status) ? { status } : {}),
		...(typeof error.context.apiErrorCode === 'string' ? { code: error.context.apiErrorCode } : {}),
	};
}

/** A poll's pause moved at random by up to ±20 %, so tasks submitted together do not poll in step. */
export function jittered(pauseMs: number, random: () => number = Math.random): number {
	return Math.round(pauseMs * (0.8 + 0.4 * random()));
}

/** A failing poll is only a missed look when another one may succeed: a 429, 5xx or network failure. */
function isMissedLook(error: unknown, signal?: AbortSignal): boolean {
	if (signal?.aborted || !(error instanceof NodeApiError)) return false;
	if (error.context.apiErrorCode === 'ERR_CANCELED') return false;
	// A network failure has no HTTP status (n8n may put its code, e.g. ECONNRESET, in httpCode).
	const status = Number(error.httpCode ?? NaN);
	if (!Number.isInteger(status)) return true;
	return status === 429 || status >= 500;
}

/**
 * Sends a task's submission once and returns the task ID with the reply. The item's slot goes to
 * the next item as soon as the submission is answered (apiRequest), so waiting holds none.
 */
export async function submitTask(
	this: IExecuteFunctions,
	api: TaskApi,
	request: ApiRequest,
	run: TaskRun,
	itemIndex: number,
): Promise<{ taskId: string; reply: IDataObject }> {
	const reply = await apiRequest.call(this, { ...request, itemIndex, once: true, finalWhen: finalRefusal(api) }, run);
	const taskId = api.taskId.call(this, reply, itemIndex);
	run.tasks?.submitted(itemIndex, api.provider, taskId);
	return { taskId, reply };
}

/**
 * Polls a task until it ends (see the top of this file). Returns it when done; a failed task, one
 * still running at Max Wait, a cancel while waiting and a poll the API refuses are errors carrying
 * the task ID and its last state. With maxWaitSeconds 0 the task is read once, whatever its state.
 */
export async function waitForTask(
	this: IExecuteFunctions,
	api: TaskApi,
	taskId: string,
	options: {
		wait: TaskWait;
		poll: PollSettings;
		run: TaskRun;
		itemIndex: number;
		/** When the submission was accepted: Max Wait counts from then, and the first poll waits one pause. */
		submittedAt?: number;
	},
): Promise<TaskOutcome> {
	const { wait, run, itemIndex } = options;
	const node = this.getNode();
	const deadline = (options.submittedAt ?? Date.now()) + wait.maxWaitSeconds * 1000;
	const firstPause = Math.max(10, wait.pollIntervalSeconds * 1000);
	let pause = firstPause;
	let last: TaskState | undefined;
	let lastFailure: unknown;
	const cancelled = () => {
		const error = apiError(
			node,
			{ message: `Stopped waiting for the ${api.provider} task: the execution was cancelled`, code: 'ERR_CANCELED' },
			itemIndex,
			'The task was not cancelled at CometAPI and may still finish: fetch it with Get Task and this task ID.',
		);
		return withTask(withFacts(error, { reason: 'cancelled' }), taskId, last);
	};
	// A reply that a batch read brought while the task paused, when it says the task ended (polls.ts).
	let news: IDataObject | undefined;
	// Never sleeps past Max Wait: the last look is at the deadline, not one pause before it.
	const pauseUnlessCancelled = async () => {
		const ms = Math.max(0, Math.min(jittered(pause), deadline - Date.now()));
		const batcher = batcherOf(run, api.provider, api.batch);
		if (!batcher) {
			if (await waitUnlessCancelled(ms, run.signal)) return;
			throw cancelled();
		}
		const ended = new AbortController();
		const stopWatching = batcher.watch(taskId, (reply) => {
			if (api.state(reply).phase === 'pending') return;
			news = reply;
			ended.abort();
		});
		try {
			const slept = await waitUnlessCancelled(ms, run.signal ? AbortSignal.any([run.signal, ended.signal]) : ended.signal);
			if (run.signal?.aborted) throw cancelled();
			if (slept || news) return;
			throw cancelled();
		} finally {
			stopWatching();
		}
	};
	const pacer = pacerOf(run, api.provider);
	const noSuchTask = (status?: number) =>
		withTask(
			withFacts(
				apiError(
					node,
					{ message: `${api.provider}: no such task "${taskId}"`, code: 'task_not_found', ...(status ? { status } : {}) },
					itemIndex,
					'CometAPI knows no task with this ID: check the Task ID (it comes from the taskId of the run that submitted it), or whether the task has expired.',
				),
				{ reason: 'not_found' },
			),
			taskId,
		);
	// A task just submitted is not done yet: its first look waits one pause.
	if (options.submittedAt !== undefined && wait.maxWaitSeconds > 0) await pauseUnlessCancelled();
	for (;;) {
		let reply: IDataObject | undefined;
		// While waiting, one attempt per poll with its 429s waited out only until Max Wait: the
		// engine's loop is the retry. A single read (Max Wait 0) keeps the request's own retries.
		const bounded: PollSettings =
			wait.maxWaitSeconds > 0
				? {
						maxRetries: 0,
						rateLimitWaitSeconds: Math.min(
							options.poll.rateLimitWaitSeconds ?? DEFAULT_RATE_LIMIT_WAIT_SECONDS,
							Math.max(0, (deadline - Date.now()) / 1000),
						),
					}
				: {};
		// The family's batch read first (Midjourney): a task it did not find is read with its own fetch.
		const batcher = news ? undefined : batcherOf(run, api.provider, api.batch);
		const look = news ? { kind: 'read' as const, reply: news } : batcher ? await batcher.look({ taskId, settings: options.poll, itemIndex, run, context: this }) : undefined;
		news = undefined;
		if (run.signal?.aborted) throw cancelled();
		if (look?.kind === 'read') {
			reply = look.reply;
			lastFailure = undefined;
		} else if (look?.kind === 'failed' && wait.maxWaitSeconds > 0 && isMissedLook(look.error, run.signal)) {
			lastFailure = look.error;
		} else try {
			if (pacer && !(await pacer.turn(run.signal))) throw cancelled();
			reply = await apiRequest.call(this, { ...api.poll(taskId), ...options.poll, ...bounded, finalWhen: finalRefusal(api), itemIndex }, run);
			lastFailure = undefined;
		} catch (error) {
			if (error instanceof NodeApiError && api.unknownTask?.(error)) throw noSuchTask(Number(error.httpCode) || undefined);
			const refused = error instanceof NodeApiError ? api.refusal?.(detailsOf(error)) : undefined;
			if (refused) {
				run.tasks?.seen(api.provider, taskId, refused);
				throw taskFailedError(node, api.provider, taskId, refused, itemIndex);
			}
			if (!isMissedLook(error, run.signal) || wait.maxWaitSeconds <= 0) {
				throw error instanceof NodeApiError || error instanceof NodeOperationError
					? withTask(error, taskId, last)
					: error;
			}
			// The API could not be read this time (5xx, reset, timeout): the task goes on, look again.
			lastFailure = error;
		}
		if (reply) {
			if (api.unknownTask?.(reply)) throw noSuchTask();
			const state = api.state(reply);
			last = state;
			run.tasks?.seen(api.provider, taskId, state);
			const refused = state.phase === 'pending' ? errorInReply(reply) : undefined;
			if (refused) {
				// An error inside an HTTP 200: the poll was refused, and the next one would be too.
				const error = apiError(node, refused, itemIndex, 'CometAPI answered the poll with an error (HTTP 200).');
				throw withTask(withFacts(error, { reason: reasonOf(refused) }), taskId, state);
			}
			if (state.phase === 'done' || (state.phase === 'pending' && wait.maxWaitSeconds <= 0)) {
				return { taskId, reply, state };
			}
			if (state.phase === 'failed') throw taskFailedError(node, api.provider, taskId, state, itemIndex);
		}
		if (Date.now() >= deadline) {
			const limit =
				wait.maxWaitSeconds < 60
					? `${Math.round(wait.maxWaitSeconds * 10) / 10} s`
					: `${Math.round((wait.maxWaitSeconds / 60) * 10) / 10} min`;
			const missed = lastFailure instanceof Error ? ` The last poll failed: ${lastFailure.message}.` : '';
			const error = new NodeOperationError(
				node,
				`Item ${itemIndex}: the ${api.provider} task did not end within ${limit} (Max Wait); last seen: ${describeState(last)}`,
				{
					itemIndex,
					description: `It was not cancelled and may still finish: fetch it later with Get Task and this task ID (no new charge), or raise Max Wait.${missed}`,
				},
			);
			throw withTask(withFacts(error, { reason: 'timeout' }), taskId, last);
		}
		await pauseUnlessCancelled();
		pause = Math.min(5 * firstPause, pause * 1.5);
	}
}
