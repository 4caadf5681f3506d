import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { readInputBlob } from '../../helpers/binary-input';
import { toOutputItems, type ImageResult } from '../../helpers/binary-output';
import { downloadResultImage } from '../../helpers/images-response';
import { itemError } from '../../helpers/item-error';
import { submitTask, waitForTask, withTask, type TaskOutcome, type TaskWait } from '../../transport';
import {
	parseAdditionalFields,
	readMaxDownloadBytes,
	readOptions,
	readOutputSettings,
	readRequestSettings,
	readTaskWait,
} from '../parameters';
import type { RunContext } from '../run-context';
import { imageUrls, midjourneyTasks, splitPrompts, taskJson } from './midjourney-api';
import { BOT_TYPES } from './midjourney.description';

/*
 * What every Midjourney operation does after reading its parameters: submit once, wait for the
 * task (transport/task.ts), then output it: its images downloaded as binaries, its facts as JSON.
 */

/** The item's input image as the data URI Midjourney takes (data:image/png;base64,…). */
export async function imageDataUri(this: IExecuteFunctions, itemIndex: number, field: string, label: string): Promise<string> {
	const image = await readInputBlob.call(this, itemIndex, field, label);
	return `data:${image.mimeType};base64,${Buffer.from(await image.blob.arrayBuffer()).toString('base64')}`;
}

/** A parameter that must not be empty, trimmed. */
export function readRequired(this: IExecuteFunctions, itemIndex: number, name: string, label: string, hint: string): string {
	const value = String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) throw itemError(this.getNode(), itemIndex, `${label} is empty`, hint);
	return value;
}

/** The Bot (botType), one of those Midjourney knows (an expression may give anything). */
export function readBotType(this: IExecuteFunctions, itemIndex: number): string {
	const value = String(this.getNodeParameter('botType', itemIndex, 'MID_JOURNEY') ?? '').trim();
	if (!BOT_TYPES.includes(value)) {
		throw itemError(this.getNode(), itemIndex, `the Bot "${value}" is not one Midjourney knows`, `Use one of ${BOT_TYPES.join(', ')}.`);
	}
	return value;
}

/** The item's Options, all read (and checked) before anything is sent. */
function readSettings(this: IExecuteFunctions, itemIndex: number) {
	const options = readOptions.call(this, itemIndex);
	return {
		request: readRequestSettings(options),
		wait: readTaskWait(options),
		output: readOutputSettings.call(this, options, itemIndex),
		maxBytes: readMaxDownloadBytes(options),
	};
}

type Settings = ReturnType<typeof readSettings>;

/** The item's Options checked before anything is read or sent (Additional Body Fields is JSON). */
export function readSubmitOptions(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = readOptions.call(this, itemIndex);
	return parseAdditionalFields(this.getNode(), options.additionalBodyFields, itemIndex);
}

/**
 * Submits `body` to POST /mj/submit/{route} once, waits for the task, and outputs it. A task that
 * fails or is still running at Max Wait is an error carrying its task ID (task.ts).
 */
export async function submitAndOutput(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	route: string,
	body: IDataObject,
	extra: IDataObject,
): Promise<INodeExecutionData[]> {
	const settings = readSettings.call(this, itemIndex);
	const { request, wait } = settings;
	const submittedAt = Date.now();
	const { taskId } = await submitTask.call(
		this,
		midjourneyTasks,
		{ method: 'POST', root: 'host', endpoint: `/mj/submit/${route}`, body: { ...body, ...extra }, ...request },
		run,
		itemIndex,
	);
	const outcome = await waitForTask.call(this, midjourneyTasks, taskId, { wait, poll: request, run, itemIndex, submittedAt });
	return await outputTask.call(this, itemIndex, run, outcome, settings);
}

/** Reads a task: once, or until it ends (Max Wait). */
async function readTask(this: IExecuteFunctions, itemIndex: number, run: RunContext, taskId: string, waitToEnd: boolean) {
	const settings = readSettings.call(this, itemIndex);
	const wait: TaskWait = waitToEnd ? settings.wait : { ...settings.wait, maxWaitSeconds: 0 };
	const outcome = await waitForTask.call(this, midjourneyTasks, taskId, { wait, poll: settings.request, run, itemIndex });
	return { outcome, settings };
}

/** The task as one look finds it (an Action reads the buttons it has now). */
export async function fetchTask(this: IExecuteFunctions, itemIndex: number, run: RunContext, taskId: string): Promise<IDataObject> {
	return (await readTask.call(this, itemIndex, run, taskId, false)).outcome.reply;
}

/** Reads a task (Get Task): waits for it to end unless `waitToEnd` is off, then outputs it. */
export async function fetchAndOutput(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	taskId: string,
	waitToEnd: boolean,
): Promise<INodeExecutionData[]> {
	const { outcome, settings } = await readTask.call(this, itemIndex, run, taskId, waitToEnd);
	return await outputTask.call(this, itemIndex, run, outcome, settings);
}

/**
 * The task as output items: a finished task's images (imageUrl, downloaded) as binaries with its
 * JSON; a Describe task's suggestions as `prompts`; a task in MODAL or still pending as JSON alone.
 */
async function outputTask(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	outcome: TaskOutcome,
	settings: Settings,
): Promise<INodeExecutionData[]> {
	const { taskId, reply, state } = outcome;
	const json = taskJson(taskId, reply, state);
	const jsonOnly = () => [{ json, pairedItem: { item: itemIndex } }];
	if (String(json.action ?? '').toUpperCase() === 'DESCRIBE') {
		json.prompts = splitPrompts(String(json.promptEn ?? ''));
		return jsonOnly();
	}
	if (state.status !== 'SUCCESS') return jsonOnly();
	const urls = imageUrls(reply);
	if (urls.length === 0) {
		throw withTask(
			new NodeOperationError(this.getNode(), `Item ${itemIndex}: the Midjourney task finished, but its reply has no imageUrl`, {
				itemIndex,
				description: 'Fetch it again later with Get Task and this task ID (no new charge).',
			}),
			taskId,
			state,
		);
	}
	const { request } = settings;
	const images: ImageResult[] = [];
	for (const [index, url] of urls.entries()) {
		try {
			images.push(
				await downloadResultImage.call(this, url, index, {
					timeoutSeconds: request.timeoutSeconds,
					maxRetries: request.maxRetries,
					maxBytes: settings.maxBytes,
					itemIndex,
					signal: run.signal,
					viaCredentialWhenRefused: true,
					run,
				}),
			);
		} catch (error) {
			// The task is paid for: the error says how to get its image without a new one.
			throw error instanceof NodeOperationError || error instanceof NodeApiError ? withTask(error, taskId, state) : error;
		}
	}
	return await toOutputItems.call(this, itemIndex, images, json, settings.output);
}
