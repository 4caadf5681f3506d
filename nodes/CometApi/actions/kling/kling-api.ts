import type { IDataObject } from 'n8n-workflow';

import { asRecord } from '../../helpers/record';
import { refusedInReply } from '../../helpers/reply-error';
import { apiError, type ErrorReason } from '../../transport';
import { submittedTaskId, type TaskFamily, type TaskState } from '../tasks';

/*
 * Kling images on CometAPI: POST {host}/kling/v1/images/generations and GET
 * {host}/kling/v1/images/generations/{task_id}. Replies wrap their data in {code, message, data}: a
 * non-zero code is a refusal quoting message. task_status: submitted, processing, succeed, failed
 * (why: task_status_msg). CometAPI documents only video results; the images are read from
 * task_result.images[].url as Kling's API has them.
 */

const codeOf = (reply: IDataObject) => (reply.code === undefined || reply.code === null ? 0 : Number(reply.code));

/**
 * Kling's error codes (Kling API docs, "Error codes"): 1302 (too fast) and 1303 (over the
 * concurrency of the resource pack) are rate limits, 5000–5002 server trouble: the next poll may
 * succeed. The others refuse for good: 1000–1004 and 1100/1103/1304 the key or account, 1101/1102
 * the balance, 1200–1203 the request (1203: no such resource), 1300/1301 the content policy.
 */
const TRANSIENT_CODES = new Set([1302, 1303, 5000, 5001, 5002]);

function causeOf(code: number): ErrorReason {
	if (code === 1101 || code === 1102) return 'balance';
	if ((code >= 1000 && code <= 1004) || code === 1100 || code === 1103 || code === 1304) return 'auth';
	if (code === 1300 || code === 1301) return 'moderation';
	if (code === 1203) return 'not_found';
	return 'invalid_request';
}

/** A refusal by Kling's code: pending for a transient one (look again), failed for the others. */
function refusedBy(code: number, message: unknown): TaskState {
	const status = `code ${code}`;
	if (TRANSIENT_CODES.has(code)) return { phase: 'pending', status };
	const reason = typeof message === 'string' && message.trim() ? message : 'Kling refused the request';
	return { phase: 'failed', status, code: String(code), reason, cause: causeOf(code) };
}

function klingState(reply: IDataObject): TaskState {
	const code = codeOf(reply);
	if (code !== 0) return refusedBy(code, reply.message);
	const data = asRecord(reply.data) ?? {};
	const status = typeof data.task_status === 'string' ? data.task_status : 'unknown';
	if (status === 'succeed' || status === 'succeeded') return { phase: 'done', status };
	if (status === 'failed') {
		const reason = typeof data.task_status_msg === 'string' && data.task_status_msg ? data.task_status_msg : undefined;
		return { phase: 'failed', status, reason };
	}
	return { phase: 'pending', status };
}

export const klingApi: TaskFamily = {
	provider: 'Kling',
	taskId(reply, itemIndex) {
		if (codeOf(reply) !== 0) {
			throw refusedInReply(apiError(this.getNode(), { message: `Kling refused the task: ${String(reply.message ?? '')}`, code: String(reply.code) }, itemIndex));
		}
		return submittedTaskId(this, 'Kling', reply, asRecord(reply.data)?.task_id, itemIndex);
	},
	poll: (taskId) => ({ method: 'GET', root: 'host', endpoint: `/kling/v1/images/generations/${encodeURIComponent(taskId)}` }),
	state: klingState,
	/** Kling answers its codes with an HTTP status too (1101/1102 with a 429): the code decides. */
	refusal(details) {
		const code = Number(details.code);
		if (!Number.isInteger(code) || code < 1000) return undefined;
		const state = refusedBy(code, details.message);
		return state.phase === 'failed' ? state : undefined;
	},
	imageUrls(reply) {
		const images = asRecord(asRecord(reply.data)?.task_result)?.images;
		return (Array.isArray(images) ? images : [])
			.map((image) => asRecord(image)?.url)
			.filter((url): url is string => typeof url === 'string' && url !== '');
	},
};
