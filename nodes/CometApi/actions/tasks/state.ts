import type { IDataObject, INode, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { apiError, withFacts, type ErrorReason } from '../../transport';

/*
 * Where a task stands, as one poll read it, and the errors that carry it: every error after a
 * submission names the task, so a user can resume it with Get Task and never pays twice.
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
	/** The class of a failure when the provider's code tells it (default: task_failed, or moderation by its words). */
	cause?: ErrorReason;
	/** The provider's error code of a failure, when it has one (default: the status). */
	code?: string;
}

/** A task as the last poll left it: ended (done), or still pending when asked to read it once. */
export interface TaskOutcome {
	taskId: string;
	/** The last poll's reply. */
	reply: IDataObject;
	state: TaskState;
}

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

export function describeState(state?: TaskState): string {
	if (!state) return 'not read yet';
	return [state.status, state.progress].filter(Boolean).join(', ');
}

const MODERATED = /moderat|banned|prohibited|content[_ ]polic|safety|nsfw|sensitive|unsafe/i;

/** The error of a task that ended without a result, in the provider's words. */
export function taskFailedError(node: INode, provider: string, taskId: string, state: TaskState, itemIndex: number): NodeApiError {
	const reason = state.reason?.trim() || `the task ended with status ${state.status}`;
	const error = apiError(node, { message: `${provider} task failed: ${reason}`, code: state.code ?? state.status }, itemIndex);
	withFacts(error, { reason: state.cause ?? (MODERATED.test(reason) ? 'moderation' : 'task_failed') });
	return withTask(error, taskId, state);
}
