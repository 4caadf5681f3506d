import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { apiError } from './errors';
import { apiRequest } from './json';
import { waitUnlessCancelled } from './retry';
import type { ApiRequest, RequestRun } from './send';

/*
 * The task engine. Task APIs (Midjourney, Flux, Replicate-style, Kling, Bria) answer a submission
 * with a task ID and make the result available later:
 *
 * - the submission is sent ONCE: each arrival is a new billed task, so it is sent again only when it
 *   surely did not reach the API (a 429, a refused connection; `once` in send.ts);
 * - polls are free and change nothing: a poll that fails (5xx, reset, timeout) is only a missed
 *   look, and the next one follows. The pause between polls starts at Poll Interval and grows by half
 *   each time up to five times it (2 s, 3 s, 4.5 s, 6.75 s, 10 s, 10 s… by default), until the task
 *   ends, Max Wait has passed since the submission, or the execution is cancelled;
 * - a waiting task holds no request slot: its item gives its slot back once the submission is
 *   answered, and each poll takes one only while it is in flight;
 * - every error after the submission carries the task ID (context.task, and the error item's
 *   `taskId`), so a user can resume with Get Task and never pays twice.
 */

/** Where a task stands, as read from one poll. */
export interface TaskState {
	/** pending: poll again; done: the result is in the reply; failed: the task ended without one. */
	phase: 'pending' | 'done' | 'failed';
	/** The provider's own status word (IN_PROGRESS, Ready, succeeded…), for messages and JSON. */
	status: string;
	/** Progress as the provider reports it (e.g. "58%"). */
	progress?: string;
	/** Why the task failed, in the provider's words. */
	reason?: string;
}

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
}

export interface TaskWait {
	/** How long to wait for the task to end, from its submission (0: read it once, do not wait). */
	maxWaitSeconds: number;
	/** The first pause between polls; each pause is 1.5× the last, up to 5× this. */
	pollIntervalSeconds: number;
}

export const DEFAULT_MAX_WAIT_MINUTES = 10;
export const DEFAULT_POLL_INTERVAL_SECONDS = 2;

/** A task as the last poll left it: ended (done), or still pending when asked to read it once. */
export interface TaskOutcome {
	taskId: string;
	/** The last poll's reply. */
	reply: IDataObject;
	state: TaskState;
}

/** The request settings (timeout, retries, rate-limit wait) the item's polls are sent with. */
export type PollSettings = Pick<ApiRequest, 'timeoutSeconds' | 'maxRetries' | 'rateLimitWaitSeconds'>;

/** Puts the task's facts on an error: in its context for the error item, and in its description. */
export function withTask<T extends NodeApiError | NodeOperationError>(
	error: T,
	taskId: string,
	state?: TaskState,
): T {
	error.context.task = {
		taskId,
		...(state ? { status: state.status } : {}),
		...(state?.progress ? { progress: state.progress } : {}),
	};
	const facts = [`Task ID ${taskId}`, state?.status, state?.progress].filter(Boolean).join(', ');
	if (!error.description?.includes(taskId)) {
		error.description = [error.description, `(${facts})`].filter(Boolean).join(' ');
	}
	return error;
}

function describeState(state?: TaskState): string {
	if (!state) return 'not read yet';
	return [state.status, state.progress].filter(Boolean).join(', ');
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
	run: RequestRun,
	itemIndex: number,
): Promise<{ taskId: string; reply: IDataObject }> {
	const reply = await apiRequest.call(this, { ...request, itemIndex, once: true }, run);
	return { taskId: api.taskId.call(this, reply, itemIndex), reply };
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
		run: RequestRun;
		itemIndex: number;
		/** When the task was submitted: Max Wait counts from then, and the first poll waits one pause. */
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
	// Never sleeps past Max Wait: the last look is at the deadline, not one pause before it.
	const pauseUnlessCancelled = async () => {
		if (await waitUnlessCancelled(Math.max(0, Math.min(pause, deadline - Date.now())), run.signal)) return;
		const error = apiError(
			node,
			{ message: `Stopped waiting for the ${api.provider} task: the execution was cancelled`, code: 'ERR_CANCELED' },
			itemIndex,
			'The task was not cancelled at CometAPI and may still finish: fetch it with Get Task and this task ID.',
		);
		throw withTask(error, taskId, last);
	};
	// A task just submitted is not done yet: its first look waits one pause.
	if (options.submittedAt !== undefined && wait.maxWaitSeconds > 0) await pauseUnlessCancelled();
	for (;;) {
		let reply: IDataObject | undefined;
		try {
			reply = await apiRequest.call(this, { ...api.poll(taskId), ...options.poll, itemIndex }, run);
			lastFailure = undefined;
		} catch (error) {
			if (!isMissedLook(error, run.signal) || wait.maxWaitSeconds <= 0) {
				throw error instanceof NodeApiError || error instanceof NodeOperationError
					? withTask(error, taskId, last)
					: error;
			}
			// The API could not be read this time (5xx, reset, timeout): the task goes on, look again.
			lastFailure = error;
		}
		if (reply) {
			const state = api.state(reply);
			last = state;
			if (state.phase === 'done' || (state.phase === 'pending' && wait.maxWaitSeconds <= 0)) {
				return { taskId, reply, state };
			}
			if (state.phase === 'failed') {
				const reason = state.reason?.trim() || `the task ended with status ${state.status}`;
				throw withTask(
					apiError(node, { message: `${api.provider} task failed: ${reason}`, code: state.status }, itemIndex),
					taskId,
					state,
				);
			}
		}
		if (Date.now() >= deadline) {
			const limit =
				wait.maxWaitSeconds < 60
					? `${Math.round(wait.maxWaitSeconds * 10) / 10} s`
					: `${Math.round((wait.maxWaitSeconds / 60) * 10) / 10} min`;
			const missed = lastFailure instanceof Error ? ` The last poll failed: ${lastFailure.message}.` : '';
			throw withTask(
				new NodeOperationError(
					node,
					`Item ${itemIndex}: the ${api.provider} task did not end within ${limit} (Max Wait); last seen: ${describeState(last)}`,
					{
						itemIndex,
						description: `It was not cancelled and may still finish: fetch it later with Get Task and this task ID (no new charge), or raise Max Wait.${missed}`,
					},
				),
				taskId,
				last,
			);
		}
		await pauseUnlessCancelled();
		pause = Math.min(5 * firstPause, pause * 1.5);
	}
}
