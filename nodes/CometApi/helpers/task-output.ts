import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { withTask, type DownloadOptions, type TaskOutcome } from '../transport';
import { toOutputItems, type ImageResult, type OutputSettings } from './binary-output';
import { decodeResultImage, downloadResultImage } from './images-response';

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

export interface TaskOutputOptions {
	/** What the operation adds to the JSON (prompt, model…). */
	json: IDataObject;
	/** The result images' URLs (or data URIs) in the finished task's reply. */
	imageUrls: string[];
	output: OutputSettings;
	download: DownloadOptions;
	provider: string;
}

/**
 * The output items of a task: one item without images while it is still pending (Get Task with
 * Max Wait 0), else its images as binaries. A finished task without images is an error.
 */
export async function taskOutputItems(
	this: IExecuteFunctions,
	outcome: TaskOutcome,
	options: TaskOutputOptions,
): Promise<INodeExecutionData[]> {
	const { itemIndex } = options.download;
	const { taskId, state } = outcome;
	const json: IDataObject = {
		...options.json,
		taskId,
		status: state.status,
		...(state.progress ? { progress: state.progress } : {}),
		task: withoutInlineImages(outcome.reply) as IDataObject,
	};
	if (state.phase === 'pending') {
		return [{ json: { ...json, imageCount: 0 }, pairedItem: { item: itemIndex } }];
	}
	if (options.imageUrls.length === 0) {
		throw withTask(
			new NodeOperationError(this.getNode(), `The ${options.provider} task ended without an image`, {
				itemIndex,
				description: `Its reply had the fields: ${Object.keys(outcome.reply).join(', ') || 'none'}.`,
			}),
			taskId,
			state,
		);
	}
	const images: ImageResult[] = [];
	try {
		for (const [index, url] of options.imageUrls.entries()) {
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
