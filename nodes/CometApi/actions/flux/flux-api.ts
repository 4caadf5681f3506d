import type { IDataObject } from 'n8n-workflow';

import { asRecord } from '../../helpers/record';
import { submittedTaskId, type TaskFamily, type TaskState } from '../tasks';

/*
 * Flux (Black Forest Labs' API shape) on CometAPI: POST {host}/flux/v1/{model} answers {id}, and
 * GET {host}/flux/v1/get_result?id= reads the task. CometAPI documents Pending, Ready and Task not
 * found; BFL also answers Request Moderated, Content Moderated and Error, which end the task too.
 * Any other status (BFL's Queued, Processing…) is read as still running.
 */

const FAILURES: Record<string, string> = {
	'Request Moderated': 'the prompt or input image was moderated (Request Moderated); nothing was generated',
	'Content Moderated': 'the generated image was moderated (Content Moderated); rephrase the prompt',
	Error: 'Flux reported an error while generating',
	'Task not found': 'the task was not found: it expired (finished results are kept for minutes) or the ID is wrong',
};

function fluxState(reply: IDataObject): TaskState {
	const status = typeof reply.status === 'string' ? reply.status : 'unknown';
	if (status === 'Ready') return { phase: 'done', status };
	if (FAILURES[status] !== undefined) {
		const details = asRecord(reply.details) ?? asRecord(reply.result);
		const said = typeof details?.error === 'string' ? `: ${details.error}` : '';
		return { phase: 'failed', status, reason: `${FAILURES[status]}${said}` };
	}
	const progress = typeof reply.progress === 'number' ? `${Math.round(reply.progress * 100)}%` : undefined;
	return { phase: 'pending', status, ...(progress ? { progress } : {}) };
}

export const fluxApi: TaskFamily = {
	provider: 'Flux',
	taskId(reply, itemIndex) {
		return submittedTaskId(this, 'Flux', reply, reply.id, itemIndex);
	},
	poll: (taskId) => ({ method: 'GET', root: 'host', endpoint: `/flux/v1/get_result?id=${encodeURIComponent(taskId)}` }),
	state: fluxState,
	imageUrls(reply) {
		const sample = asRecord(reply.result)?.sample;
		const samples = Array.isArray(sample) ? sample : [sample];
		return samples.filter((url): url is string => typeof url === 'string' && url !== '');
	},
};
