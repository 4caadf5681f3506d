import type { IDataObject } from 'n8n-workflow';

import type { ApiRequest } from './send';

/*
 * Task APIs (Midjourney, Flux, Kling, Bria, Replicate-style) answer a submission with a task ID and
 * make the result available later. The contract for their operations, to be built on the request
 * functions of this folder when the first of them arrives:
 *
 * - submit is sent ONCE per item: it is never retried after the request may have reached the API,
 *   since each submission is a new (billed) task;
 * - poll may be sent as often as needed: reading a task's state is free and changes nothing, so it
 *   is retried on any failure and repeated at `intervalSeconds` until the task is done, has failed,
 *   `timeoutSeconds` have passed or the execution is cancelled (waiting with n8n's sleep);
 * - the task's own failure (a refused prompt, a moderation block) is an error of the item, carrying
 *   the API's own message, like any other API error.
 */

/** Where a task stands, as read from one poll. */
export type TaskState =
	| { status: 'pending'; progress?: number }
	| { status: 'done'; result: IDataObject }
	| { status: 'failed'; message: string; code?: string };

/** One family's task API: how to submit a task, and how to read its state. */
export interface TaskApi {
	/** The request that creates the task (sent once). */
	submit(input: IDataObject): ApiRequest;
	/** The task ID in the submission's reply. */
	taskId(reply: IDataObject): string;
	/** The request that reads the task's state (sent as often as needed). */
	poll(taskId: string): ApiRequest;
	/** The task's state in a poll's reply. */
	state(reply: IDataObject): TaskState;
}

export interface PollSettings {
	intervalSeconds: number;
	timeoutSeconds: number;
}
