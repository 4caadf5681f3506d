import type { IDataObject } from 'n8n-workflow';

import { asRecord } from '../../helpers/record';
import { submittedTaskId, type TaskFamily, type TaskState } from '../tasks';

/*
 * Replicate-style predictions on CometAPI: POST {host}/replicate/v1/models/{owner}/{name}/predictions
 * answers a prediction {id, status: "starting"…}; GET {host}/replicate/v1/predictions/{id} reads it.
 * CometAPI shows only "starting"; Replicate's own statuses are starting, processing, succeeded,
 * failed and canceled. A prediction also ends when its error is set, or (without a status) when its
 * output is there. The output is one URL or a list of them.
 */

const FAILED = new Set(['failed', 'canceled', 'cancelled', 'aborted']);
const RUNNING = new Set(['starting', 'processing', 'queued']);

function errorText(error: unknown): string | undefined {
	if (typeof error === 'string') return error.trim() || undefined;
	const record = asRecord(error);
	if (typeof record?.message === 'string') return record.message;
	return error === null || error === undefined ? undefined : JSON.stringify(error);
}

const hasOutput = (output: unknown) =>
	(typeof output === 'string' && output !== '') || (Array.isArray(output) && output.length > 0);

function predictionState(reply: IDataObject): TaskState {
	const status = typeof reply.status === 'string' ? reply.status : 'unknown';
	const error = errorText(reply.error);
	if (FAILED.has(status) || (error && !RUNNING.has(status))) {
		return { phase: 'failed', status, reason: error ?? `the prediction ended ${status}` };
	}
	if (status === 'succeeded' || (!RUNNING.has(status) && hasOutput(reply.output))) return { phase: 'done', status };
	return { phase: 'pending', status };
}

export const replicateApi: TaskFamily = {
	provider: 'Replicate',
	taskId(reply, itemIndex) {
		return submittedTaskId(this, 'Replicate', reply, reply.id, itemIndex);
	},
	poll: (taskId) => ({ method: 'GET', root: 'host', endpoint: `/replicate/v1/predictions/${encodeURIComponent(taskId)}` }),
	state: predictionState,
	imageUrls(reply) {
		const outputs = Array.isArray(reply.output) ? reply.output : [reply.output];
		return outputs.filter((url): url is string => typeof url === 'string' && url !== '');
	},
};
