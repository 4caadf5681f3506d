import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { readInputBase64 } from '../../helpers/binary-input';
import { itemError } from '../../helpers/item-error';
import type { Base64Value } from '../../transport';
import { parseAdditionalFields, readOptions } from '../parameters';
import type { RunContext } from '../run-context';
import { lookAtTask, runTask } from '../tasks';
import { midjourneyTasks } from './midjourney-api';
import { BOT_TYPES } from './midjourney.description';

/*
 * What the Midjourney operations share: their common parameters, and their run on the task engine
 * (actions/tasks/): submit once, wait for the task, output its images and facts.
 */

/** The item's input image as the data URI Midjourney takes (data:image/png;base64,…), written when the submission is sent. */
export async function imageDataUri(this: IExecuteFunctions, itemIndex: number, field: string, label: string): Promise<Base64Value> {
	return (await readInputBase64.call(this, itemIndex, field, label)).dataUri;
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

/** The item's Options checked before anything is read or sent (Additional Body Fields is JSON). */
export function readSubmitOptions(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = readOptions.call(this, itemIndex);
	return parseAdditionalFields(this.getNode(), options.additionalBodyFields, itemIndex);
}

/**
 * Submits `body` with the Additional Body Fields (`extra`, whose keys win) to POST /mj/submit/{route}
 * once, waits for the task, and outputs it. A task that fails or is still running at Max Wait is an
 * error carrying its task ID.
 */
export async function submitAndOutput(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	route: string,
	body: IDataObject,
	extra: IDataObject,
): Promise<INodeExecutionData[]> {
	return await runTask.call(this, midjourneyTasks, itemIndex, run, {
		request: { method: 'POST', root: 'host', endpoint: `/mj/submit/${route}`, body: { ...body, ...extra } },
		options: readOptions.call(this, itemIndex),
		json: {},
	});
}

/** The task as one look finds it (an Action reads the buttons it has now). */
export async function fetchTask(this: IExecuteFunctions, itemIndex: number, run: RunContext, taskId: string): Promise<IDataObject> {
	return await lookAtTask.call(this, midjourneyTasks, taskId, itemIndex, run);
}
