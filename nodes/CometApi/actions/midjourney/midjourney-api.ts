import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { asRecord } from '../../helpers/record';
import { itemError } from '../../helpers/item-error';
import { hasApiError, refusedInReply, replyError } from '../../helpers/reply-error';
import { apiError } from '../../transport';
import type { TaskFamily, TaskOutcome, TaskState } from '../tasks';

/*
 * CometAPI's Midjourney routes (below the host root, Bearer key): POST /mj/submit/{imagine, action,
 * blend, describe, modal} answer {code, description, result: task ID}; GET /mj/task/{id}/fetch
 * answers the task. Where CometAPI's pages are silent or disagree, this follows midjourney-proxy,
 * whose API CometAPI mirrors, and accepts the plausible variants (see README, Midjourney).
 */

/** Submit codes that come with a task to poll: 1 submitted; 21 (exists / opened a modal) and 22 (queued) with a task ID. */
const SUBMITTED = 1;
const WITH_TASK_ID = new Set([21, 22]);

/** The most task IDs one list-by-condition request asks for. */
export const MIDJOURNEY_BATCH_SIZE = 50;

/** Statuses a task stops in. MODAL: an action opened a form (Vary Region, Custom Zoom): continue with Modal. */
const DONE = new Set(['SUCCESS', 'MODAL']);
const FAILED = new Set(['FAILURE', 'FAILED', 'CANCEL', 'CANCELLED', 'CANCELED']);

const text = (value: unknown): string =>
	typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

/** Whether the task is a Describe, whose result is text (prompts), not images. */
const isDescribe = (reply: IDataObject) => text(reply.action).trim().toUpperCase() === 'DESCRIBE';

/** A button of a finished task, as the JSON gives it (label: its label, or its emoji when it has none, e.g. 🔄). */
export interface MidjourneyButton {
	label: string;
	customId: string;
	emoji?: string;
}

export const midjourneyTasks: TaskFamily = {
	provider: 'Midjourney',

	taskId(this: IExecuteFunctions, reply: IDataObject, itemIndex: number): string {
		if (hasApiError(reply)) throw replyError(this.getNode(), reply.error ?? reply, itemIndex);
		const code = Number(reply.code);
		// `result` is a string in some of CometAPI's schemas and a number in others.
		const taskId = text(reply.result).trim();
		if ((code === SUBMITTED || WITH_TASK_ID.has(code)) && taskId) return taskId;
		const description = text(reply.description).trim() || 'no description';
		const refusal = apiError(
			this.getNode(),
			{ message: `Midjourney did not take the task: ${description}`, code: Number.isFinite(code) ? String(code) : undefined },
			itemIndex,
			code === SUBMITTED
				? 'CometAPI said it was submitted but gave no task ID: check your tasks at CometAPI before you run the item again.'
				: 'Nothing was submitted. Check the prompt, the images and the task ID, then run the item again.',
		);
		throw refusedInReply(refusal, code === SUBMITTED ? 'unknown' : 'no');
	},

	poll: (taskId) => ({ method: 'GET', root: 'host', endpoint: `/mj/task/${encodeURIComponent(taskId)}/fetch`, acceptEmpty: true }),

	/**
	 * The due tasks of a run read together (tasks/polls.ts): POST /mj/task/list-by-condition
	 * {"ids": […]} answers a bare array of the tasks it knows, unknown IDs left out, in no set order.
	 * Some gateways cap the IDs of one request, so a request asks for MIDJOURNEY_BATCH_SIZE at most.
	 */
	batch: {
		size: MIDJOURNEY_BATCH_SIZE,
		request: (taskIds) => ({ method: 'POST', root: 'host', endpoint: '/mj/task/list-by-condition', body: { ids: taskIds }, free: true }),
		idOf: (entry) => text(entry.id).trim(),
	},

	/**
	 * A task the API does not know: CometAPI's gateway (new-api) answers HTTP 400
	 * {"code":4,"description":"task_no_found"}; the proxy behind it (midjourney-proxy) answers 200
	 * with `null` or an empty body, read as {}.
	 */
	unknownTask(answer) {
		if (answer instanceof NodeApiError) {
			return answer.httpCode === '400' && (answer.context.apiErrorCode === '4' || /task_no(t)?_found/i.test(answer.message));
		}
		return !text(answer.status).trim() && !text(answer.id).trim() && !hasApiError(answer);
	},

	state(reply: IDataObject): TaskState {
		const status = text(reply.status).trim().toUpperCase();
		const progress = text(reply.progress).trim() || undefined;
		const reason = text(reply.failReason).trim() || undefined;
		if (DONE.has(status)) return { phase: 'done', status, progress };
		if (FAILED.has(status)) return { phase: 'failed', status, progress, reason };
		return { phase: 'pending', status: status || 'NOT_START', progress };
	},

	imageUrls: (reply) => imageUrls(reply),

	/** The task's facts (taskJson); a Describe task's suggestions also as `prompts`. */
	taskJson({ taskId, reply, state }: TaskOutcome): IDataObject {
		const json = taskJson(taskId, reply, state);
		if (isDescribe(reply)) json.prompts = splitPrompts(String(json.promptEn ?? ''));
		return json;
	},

	/** Only a SUCCESS has images: a task in MODAL waits for its form, and Describe's result is text. */
	endsWithImages: ({ reply, state }: TaskOutcome) => state.status === 'SUCCESS' && !isDescribe(reply),
};

/** The task's buttons: label (or its emoji) and customId; entries without a customId are left out. */
export function readButtons(reply: IDataObject): MidjourneyButton[] {
	const list = Array.isArray(reply.buttons) ? reply.buttons : [];
	return list.flatMap((entry) => {
		const button = asRecord(entry) ?? {};
		const customId = text(button.customId ?? button.custom_id).trim();
		if (!customId) return [];
		const emoji = text(button.emoji).trim();
		const label = text(button.label).trim() || emoji;
		return [{ label, customId, ...(emoji ? { emoji } : {}) }];
	});
}

/**
 * The customId of the button the user named: a label (U1, V3, 🔄, "Vary (Region)") matched against
 * the task's current buttons by label or emoji, case and spaces aside, or one of its customIds. The
 * customIds change from task to task, so labels are never mapped to them here.
 */
export function findButton(
	context: IExecuteFunctions,
	itemIndex: number,
	reply: IDataObject,
	wanted: string,
): string {
	const name = wanted.trim();
	const buttons = readButtons(reply);
	const key = (value: string) => value.replace(/\s+/g, '').replace(/\uFE0F/g, '').toLowerCase();
	const found = buttons.find(
		(button) =>
			key(button.label) === key(name) || (button.emoji && key(button.emoji) === key(name)) || button.customId === name,
	);
	if (found) return found.customId;
	const status = text(reply.status) || 'unknown';
	throw itemError(
		context.getNode(),
		itemIndex,
		`the task has no button "${name}"`,
		buttons.length > 0
			? `Its buttons are: ${buttons.map((button) => button.label || button.customId).join(', ')}. Use one of them, or a customId (MJ::…).`
			: `It has no buttons (status ${status}): only a finished task has them. Wait for it with Get Task first.`,
	);
}

/** Describe's suggestions, one string each: promptEn holds them numbered (1️⃣ … 2️⃣ … or 1. … 2. …). */
export function splitPrompts(promptEn: string): string[] {
	const marker = /(?:^|\n)\s*(?:[1-9]\uFE0F?\u20E3|\d{1,2}[.)])\s*/g;
	const parts = marker.test(promptEn) ? promptEn.split(marker) : promptEn.split(/\n\s*\n/);
	return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** A number of milliseconds since 1970, when the field holds one (0 means "not yet"). */
function time(value: unknown): number | undefined {
	const ms = Number(value);
	return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** The task's facts for the output JSON: what an Action or Get Task node takes by expression. */
export function taskJson(taskId: string, reply: IDataObject, state: TaskState): IDataObject {
	const submitTime = time(reply.submitTime);
	const startTime = time(reply.startTime);
	const finishTime = time(reply.finishTime);
	const fields: IDataObject = {
		taskId: text(reply.id) || taskId,
		action: text(reply.action) || undefined,
		status: state.status,
		progress: state.progress,
		prompt: text(reply.prompt) || undefined,
		promptEn: text(reply.promptEn) || undefined,
		description: text(reply.description) || undefined,
		imageUrl: text(reply.imageUrl) || undefined,
		buttons: readButtons(reply),
		failReason: text(reply.failReason) || undefined,
		submitTime,
		startTime,
		finishTime,
		durationSeconds: submitTime && finishTime && finishTime >= submitTime ? (finishTime - submitTime) / 1000 : undefined,
	};
	return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as IDataObject;
}

/** The image links of a finished task: imageUrl (CometAPI's stable link), else imageUrls / image_urls. */
export function imageUrls(reply: IDataObject): string[] {
	const stable = text(reply.imageUrl).trim();
	if (stable) return [stable];
	const list = reply.imageUrls ?? reply.image_urls;
	if (!Array.isArray(list)) return [];
	return list.map((entry) => text(asRecord(entry)?.url ?? entry).trim()).filter((url) => url !== '');
}
