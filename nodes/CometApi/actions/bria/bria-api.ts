import type { IDataObject } from 'n8n-workflow';

import { asRecord } from '../../helpers/record';
import { submittedTaskId, type TaskFamily, type TaskState } from '../tasks';

/*
 * Bria image editing on CometAPI: POST {host}/bria/image/edit/{action}, then GET
 * {host}/bria/{request_id}. CometAPI documents neither the create reply nor any status but
 * COMPLETED, so what Bria's own API answers is read too: request_id at the top level or inside
 * result/data; a create reply that already holds the finished edit; IN_PROGRESS, COMPLETED, ERROR
 * (with an error object, still HTTP 200) and UNKNOWN. An expired or unknown ID is a 404.
 */

/** The reply itself, or its `data` when it wraps the task there. */
function taskOf(reply: IDataObject): IDataObject {
	const data = asRecord(reply.data);
	return reply.status === undefined && data ? (data as IDataObject) : reply;
}

function errorText(error: unknown): string | undefined {
	if (typeof error === 'string') return error || undefined;
	const record = asRecord(error);
	if (!record) return undefined;
	const text = [record.message, record.details].filter((part) => typeof part === 'string' && part).join(': ');
	return text || JSON.stringify(record);
}

function imageUrls(reply: IDataObject): string[] {
	const result = taskOf(reply).result;
	const entries = Array.isArray(result) ? result : [result];
	return entries.flatMap((entry) => {
		const record = asRecord(entry);
		const urls = [record?.image_url, ...(Array.isArray(record?.image_urls) ? record.image_urls : []), ...(Array.isArray(record?.urls) ? record.urls : [])];
		return urls.filter((url): url is string => typeof url === 'string' && url !== '');
	});
}

function briaState(reply: IDataObject): TaskState {
	const task = taskOf(reply);
	const status = typeof task.status === 'string' ? task.status.toUpperCase() : 'unknown';
	if (status === 'COMPLETED') return { phase: 'done', status };
	if (status === 'ERROR' || status === 'FAILED') return { phase: 'failed', status, reason: errorText(task.error) };
	if (status === 'UNKNOWN') return { phase: 'failed', status, reason: 'Bria does not know the state of this request (UNKNOWN): it may have expired' };
	return { phase: 'pending', status };
}

export const briaApi: TaskFamily = {
	provider: 'Bria',
	taskId(reply, itemIndex) {
		const task = taskOf(reply);
		const found = task.request_id ?? asRecord(task.result)?.request_id ?? task.id;
		return submittedTaskId(this, 'Bria', reply, found, itemIndex);
	},
	poll: (taskId) => ({ method: 'GET', root: 'host', endpoint: `/bria/${encodeURIComponent(taskId)}` }),
	state: briaState,
	imageUrls,
	submissionState(reply) {
		const state = briaState(reply);
		if (state.phase === 'failed' && state.status !== 'unknown') return state;
		// A create reply with the images already in it is a finished edit, whatever its status says.
		return imageUrls(reply).length > 0 ? { phase: 'done', status: state.status === 'unknown' ? 'COMPLETED' : state.status } : undefined;
	},
};
