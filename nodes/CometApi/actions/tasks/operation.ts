import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { quoteText } from '../../helpers/item-error';
import { hasApiError, refusedInReply, replyError } from '../../helpers/reply-error';
import { apiError, type ApiRequest } from '../../transport';
import { readMaxDownloadBytes, readOptions, readOutputSettings, readRequestSettings } from '../parameters';
import { submitTask, waitForTask, type TaskApi, type TaskRun } from './engine';
import { readTaskWait } from './options';
import { taskFacts, taskOutputItems } from './output';
import { taskFailedError, type TaskOutcome, type TaskState } from './state';

/*
 * What every task API's operations share (Midjourney, Flux, Replicate-style, Kling, Bria): submit,
 * wait, output the images; and reading a task by its ID (Get Task, get-task.ts). Each family only says how
 * its replies read (its TaskFamily, in actions/<resource>/<family>-api.ts).
 */

/** A provider family's task API, with where its finished tasks keep their images. */
export interface TaskFamily extends TaskApi {
	/** The result images' URLs (or data URIs) in a finished task's reply. */
	imageUrls(reply: IDataObject): string[];
	/**
	 * The task's state when the submission's reply already holds it (Bria may answer a finished
	 * edit at once); undefined when it has to be polled.
	 */
	submissionState?(reply: IDataObject): TaskState | undefined;
	/** The output JSON of a task, when the family words it its own way (default: taskFacts). */
	taskJson?(outcome: TaskOutcome, json: IDataObject): IDataObject;
	/** Whether a task that has ended has images to give (default: yes); no: its JSON is the result. */
	endsWithImages?(outcome: TaskOutcome): boolean;
}

/**
 * The task ID a submission's reply holds (a string or a number, `found`); without one the reply is a
 * refusal: CometAPI's error when it holds one, else an error showing the reply.
 */
export function submittedTaskId(
	context: IExecuteFunctions,
	provider: string,
	reply: IDataObject,
	found: unknown,
	itemIndex: number,
): string {
	if ((typeof found === 'string' && found.trim() !== '') || typeof found === 'number') return String(found).trim();
	if (hasApiError(reply)) throw replyError(context.getNode(), reply, itemIndex);
	const error = apiError(
		context.getNode(),
		{ message: `${provider} did not return a task ID: ${quoteText(JSON.stringify(reply), 200)}`, code: 'no_task_id' },
		itemIndex,
		'The submission may still have created a task: check your tasks at CometAPI before you run the item again.',
	);
	throw refusedInReply(error, 'unknown');
}

/** How the item's task is waited for and its images stored, read before anything is sent. */
function readTaskSettings(this: IExecuteFunctions, itemIndex: number, options: IDataObject, requestedFormat?: string) {
	return {
		request: readRequestSettings(options),
		wait: readTaskWait(options),
		output: readOutputSettings.call(this, options, itemIndex, requestedFormat),
		maxBytes: readMaxDownloadBytes(options),
	};
}

/** The task as output items: its JSON, and its images downloaded as binaries when it has ended with some. */
async function outputOf(
	this: IExecuteFunctions,
	family: TaskFamily,
	outcome: TaskOutcome,
	settings: ReturnType<typeof readTaskSettings>,
	json: IDataObject,
	itemIndex: number,
	run: TaskRun,
): Promise<INodeExecutionData[]> {
	const pending = outcome.state.phase === 'pending';
	const facts = family.taskJson ? family.taskJson(outcome, json) : taskFacts(outcome, json);
	const withImages = !pending && family.endsWithImages?.(outcome) !== false;
	return await taskOutputItems.call(this, outcome, {
		json: pending ? { ...facts, imageCount: 0 } : facts,
		imageUrls: withImages ? family.imageUrls(outcome.reply) : undefined,
		output: settings.output,
		provider: family.provider,
		download: {
			timeoutSeconds: settings.request.timeoutSeconds,
			maxRetries: settings.request.maxRetries,
			maxBytes: settings.maxBytes,
			itemIndex,
			signal: run.signal,
			// a task's own image links on CometAPI's host may want the key (it goes to no other host)
			viaCredentialWhenRefused: true,
			run,
		},
	});
}

/** What an operation hands runTask: the submission (checked before), and what its output needs. */
export interface TaskSubmission {
	/** Sent once; its body is let go as soon as the task is accepted (a waiting task holds no upload). */
	request?: ApiRequest;
	options: IDataObject;
	json: IDataObject;
	requestedFormat?: string;
}

/** Takes the request out of the submission and sends it: once this returns, nothing holds its body. */
async function sendSubmission(
	this: IExecuteFunctions,
	family: TaskFamily,
	submission: TaskSubmission,
	settings: Partial<ApiRequest>,
	run: TaskRun,
	itemIndex: number,
) {
	const request = submission.request;
	submission.request = undefined;
	if (!request) throw new Error('runTask: the submission was already sent');
	return await submitTask.call(this, family, { ...request, ...settings }, run, itemIndex);
}

/**
 * Submits the item's task once, waits for it (Max Wait, Poll Interval, counted from the moment the
 * submission was accepted) and outputs its images with `json`. `request` is the submission, checked
 * by the caller before this is called; it is taken out of `submission` once sent, so a waiting task
 * keeps only its ID, its state and its output settings.
 */
export async function runTask(
	this: IExecuteFunctions,
	family: TaskFamily,
	itemIndex: number,
	run: TaskRun,
	submission: TaskSubmission,
): Promise<INodeExecutionData[]> {
	const settings = readTaskSettings.call(this, itemIndex, submission.options, submission.requestedFormat);
	const { taskId, reply } = await sendSubmission.call(this, family, submission, settings.request, run, itemIndex);
	const submittedAt = Date.now();
	const early = family.submissionState?.(reply);
	const outcome: TaskOutcome =
		early && early.phase !== 'pending'
			? { taskId, reply, state: early }
			: await waitForTask.call(this, family, taskId, { wait: settings.wait, poll: settings.request, run, itemIndex, submittedAt });
	if (outcome.state.phase === 'failed') throw taskFailedError(this.getNode(), family.provider, taskId, outcome.state, itemIndex);
	return await outputOf.call(this, family, outcome, settings, submission.json, itemIndex, run);
}

/**
 * Reads a task by its ID (nothing is submitted): waits until it ends or Max Wait has passed, or with
 * `once` looks at it once. A failed task is an error from waitForTask.
 */
async function readTask(this: IExecuteFunctions, family: TaskFamily, taskId: string, itemIndex: number, run: TaskRun, once: boolean) {
	const settings = readTaskSettings.call(this, itemIndex, readOptions.call(this, itemIndex));
	const wait = once ? { ...settings.wait, maxWaitSeconds: 0 } : settings.wait;
	const outcome = await waitForTask.call(this, family, taskId, { wait, poll: settings.request, run, itemIndex });
	return { outcome, settings };
}

/** The task's reply as one look finds it (e.g. to read a finished task's buttons). */
export async function lookAtTask(this: IExecuteFunctions, family: TaskFamily, taskId: string, itemIndex: number, run: TaskRun): Promise<IDataObject> {
	return (await readTask.call(this, family, taskId, itemIndex, run, true)).outcome.reply;
}

/** Get Task: reads a task (see readTask) and outputs it as it stands, with its images when it has ended. */
export async function outputTaskById(
	this: IExecuteFunctions,
	family: TaskFamily,
	taskId: string,
	itemIndex: number,
	run: TaskRun,
	once = false,
): Promise<INodeExecutionData[]> {
	const { outcome, settings } = await readTask.call(this, family, taskId, itemIndex, run, once);
	return await outputOf.call(this, family, outcome, settings, {}, itemIndex, run);
}
