import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OutputMode, OutputSettings } from '../helpers/binary-output';
import { itemError } from '../helpers/item-error';
import {
	DEFAULT_MAX_DOWNLOAD_MB,
	DEFAULT_MAX_RETRIES,
	DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
} from '../transport';
import { ADDITIONAL_FIELDS_LABEL, DEFAULT_MAX_CONCURRENCY } from './common.description';

/*
 * Reading the parameters every operation shares (declared in common.description.ts), each checked
 * before any request. An operation reads its own parameters in its own file.
 */

export function readModel(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('modelId', itemIndex, '', { extractValue: true });
	const model = typeof value === 'string' ? value.trim() : '';
	if (!model) {
		throw itemError(
			this.getNode(),
			itemIndex,
			'the Model is empty',
			'Pick a model from the list or enter a model ID, e.g. gpt-image-1.',
		);
	}
	return model;
}

export function readPrompt(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('prompt', itemIndex, '');
	const prompt = typeof value === 'string' ? value : String(value ?? '');
	if (prompt.trim() === '') {
		throw itemError(
			this.getNode(),
			itemIndex,
			'the Prompt is empty',
			'Describe the image you want in the Prompt field. If it is an expression, check that it resolves to text for this item.',
		);
	}
	return prompt;
}

/**
 * The item's Options and Request Options collections as one object. Version 1 of the node has them
 * all in Options; version 2 keeps the request's in Request Options (request-options.description.ts).
 */
export function readOptions(this: IExecuteFunctions, itemIndex: number): IDataObject {
	return {
		...(this.getNodeParameter('options', itemIndex, {}) as IDataObject),
		...(this.getNodeParameter('requestOptions', itemIndex, {}) as IDataObject),
	};
}

/** Where the images go and how they are grouped (Put Output in Field, Output Mode). */
export function readOutputSettings(
	this: IExecuteFunctions,
	options: IDataObject,
	itemIndex: number,
	requestedFormat?: string,
): OutputSettings {
	const name = typeof options.binaryPropertyOutput === 'string' ? options.binaryPropertyOutput.trim() : 'data';
	if (options.binaryPropertyOutput !== undefined && name === '') {
		throw itemError(
			this.getNode(),
			itemIndex,
			'Put Output in Field is empty',
			'Enter the name of the binary field for the images, e.g. data.',
		);
	}
	const mode: OutputMode = options.outputMode === 'allInOne' ? 'allInOne' : 'itemPerImage';
	return { binaryPropertyName: name || 'data', mode, requestedFormat };
}

/** Per-request settings every operation passes to the transport. */
export interface RequestSettings {
	timeoutSeconds: number;
	maxRetries: number;
	rateLimitWaitSeconds: number;
	retryTimeouts: boolean;
}

/** Timeout, Max Retries, Rate Limit Wait and Retry Timed-Out Requests, defaults where unset or invalid. */
export function readRequestSettings(options: IDataObject): RequestSettings {
	const timeout = Number(options.timeout);
	const retries = Number(options.maxRetries);
	const rateLimitWait = Number(options.rateLimitWait);
	return {
		timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_SECONDS,
		maxRetries: Number.isFinite(retries) && retries >= 0 ? Math.floor(retries) : DEFAULT_MAX_RETRIES,
		rateLimitWaitSeconds:
			Number.isFinite(rateLimitWait) && rateLimitWait >= 0 ? rateLimitWait : DEFAULT_RATE_LIMIT_WAIT_SECONDS,
		retryTimeouts: options.retryTimeouts === true,
	};
}

/** Max Download Size (MB), in bytes. */
export function readMaxDownloadBytes(options: IDataObject): number {
	const value = Number(options.maxDownloadSize);
	const megabytes = Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_DOWNLOAD_MB;
	return Math.floor(megabytes * 1024 * 1024);
}

/** Max Concurrent Requests applies to the whole node run, so it is read once, from the first item. */
export function readMaxConcurrency(this: IExecuteFunctions): number {
	const value = Number(readOptions.call(this, 0).maxConcurrency);
	return Number.isFinite(value) && value >= 1 ? Math.floor(value) : DEFAULT_MAX_CONCURRENCY;
}

/** Max Spend per Run (USD), read once per run from the first item: undefined when off (unset or 0). */
export function readMaxSpend(this: IExecuteFunctions): number | undefined {
	const value = Number(readOptions.call(this, 0).maxSpendUsd);
	return Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Additional Body Fields (JSON): a JSON object whose keys are merged into the request body as they
 * are (model-specific fields such as watermark or guidance_scale). Other JSON-object parameters
 * (Replicate's Input) are read the same way under their own label.
 */
export function parseAdditionalFields(
	node: INode,
	value: unknown,
	itemIndex: number,
	label = ADDITIONAL_FIELDS_LABEL,
): IDataObject {
	if (value === undefined || value === null) return {};
	let parsed: unknown = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			throw new NodeOperationError(node, `${label} is not valid JSON`, {
				itemIndex,
				description: `${(error as Error).message}. Write a JSON object, e.g. {"watermark": false}.`,
			});
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(node, `${label} must be a JSON object`, {
			itemIndex,
			description: 'Write an object with the fields to add, e.g. {"watermark": false}.',
		});
	}
	return parsed as IDataObject;
}

/** Binary field names as the user lists them: "data, photo ,mask" → ["data", "photo", "mask"]. */
export function parsePropertyNames(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
}
