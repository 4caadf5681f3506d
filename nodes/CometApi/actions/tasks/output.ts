import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toOutputItems, type ImageResult, type OutputSettings } from '../../helpers/binary-output';
import { decodeResultImage, downloadResultImage } from '../../helpers/images-response';
import type { DownloadOptions } from '../../transport';
import { withTask, type TaskOutcome } from './state';

/*
 * A finished task's output, the same for every task API: its result images downloaded at once (some
 * providers' links expire within minutes), then one output item per image (or all in one) with the
 * task's JSON. Every error here carries the task ID, so the user can fetch it again with Get Task.
 */

/** The task's reply for the JSON: any base64 data URI (a prediction echoes its input images) replaced by a short note. */
export function withoutInlineImages(value: unknown): unknown {
	if (typeof value === 'string') {
		return /^data:[^,]*;base64,/.test(value) ? `[data URI, ${value.length} characters, left out]` : value;
	}
	if (Array.isArray(value)) return value.map(withoutInlineImages);
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, withoutInlineImages(entry)]));
	}
	return value;
}

/** A task's facts for the output JSON, after what the operation adds (prompt, model…): the reply as `task`. */
export function taskFacts(outcome: TaskOutcome, json: IDataObject): IDataObject {
	const { taskId, state } = outcome;
	return {
		...json,
		taskId,
		status: state.status,
		...(state.progress ? { progress: state.progress } : {}),
		task: withoutInlineImages(outcome.reply) as IDataObject,
	};
}

export interface TaskOutputOptions {
	/** The output item's JSON. */
	json: IDataObject;
	/**
	 * The result images' URLs (or data URIs) to download; undefined when the task's JSON is all there
	 * is to output (a task still pending, or one whose result is text).
	 */
	imageUrls?: string[];
	output: OutputSettings;
	download: DownloadOptions;
	provider: string;
}

/**
 * The output items of a task: one item of JSON alone when it has no images to give, else its images
 * as binaries. A task that should have images but has none is an error.
 */
export async function taskOutputItems(
	this: IExecuteFunctions,
	outcome: TaskOutcome,
	options: TaskOutputOptions,
): Promise<INodeExecutionData[]> {
	const { itemIndex } = options.download;
	const { taskId, state } = outcome;
	const { json, imageUrls } = options;
	if (!imageUrls) return [{ json, pairedItem: { item: itemIndex } }];
	if (imageUrls.length === 0) {
		throw withTask(
			new NodeOperationError(this.getNode(), `The ${options.provider} task ended without an image`, {
				itemIndex,
				description: `Its reply had the fields: ${Object.keys(outcome.reply).join(', ') || 'none'}. Fetch it again later with Get Task and this task ID (no new charge).`,
			}),
			taskId,
			state,
		);
	}
	const images: ImageResult[] = [];
	try {
		for (const [index, url] of imageUrls.entries()) {
			images.push(
				url.startsWith('data:')
					? decodeResultImage.call(this, url, index, { itemIndex, reply: `the ${options.provider} task` })
					: await downloadResultImage.call(this, url, index, options.download),
			);
		}
	} catch (error) {
		const nodeError =
			error instanceof NodeApiError || error instanceof NodeOperationError
				? error
				: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		throw withTask(nodeError, taskId, state);
	}
	return await toOutputItems.call(this, itemIndex, images, json, options.output);
}
