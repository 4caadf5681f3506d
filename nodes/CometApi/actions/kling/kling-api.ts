import type { IDataObject } from 'n8n-workflow';

import { asRecord } from '../../helpers/chat-reply';
import { apiError, type TaskState } from '../../transport';
import { submittedTaskId, type TaskFamily } from '../task-operation';

/*
 * Kling images on CometAPI: POST {host}/kling/v1/images/generations and GET
 * {host}/kling/v1/images/generations/{task_id}. Replies wrap their data in {code, message, data}: a
 * non-zero code is a refusal quoting message. task_status: submitted, processing, succeed, failed
 * (why: task_status_msg). CometAPI documents only video results; the images are read from
 * task_result.images[].url as Kling's API has them.
 */

const codeOf = (reply: IDataObject) => (reply.code === undefined || reply.code === null ? 0 : Number(reply.code));

function klingState(reply: IDataObject): TaskState {
	if (codeOf(reply) !== 0) {
		return { phase: 'failed', status: `code ${String(reply.code)}`, reason: String(reply.message ?? 'Kling refused the request') };
	}
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
			throw apiError(this.getNode(), { message: `Kling refused the task: ${String(reply.message ?? '')}`, code: String(reply.code) }, itemIndex);
		}
		return submittedTaskId(this, 'Kling', reply, asRecord(reply.data)?.task_id, itemIndex);
	},
	poll: (taskId) => ({ method: 'GET', root: 'host', endpoint: `/kling/v1/images/generations/${encodeURIComponent(taskId)}` }),
	state: klingState,
	imageUrls(reply) {
		const images = asRecord(asRecord(reply.data)?.task_result)?.images;
		return (Array.isArray(images) ? images : [])
			.map((image) => asRecord(image)?.url)
			.filter((url): url is string => typeof url === 'string' && url !== '');
	},
};
