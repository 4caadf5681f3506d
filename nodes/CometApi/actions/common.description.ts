import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OutputMode, OutputSettings } from '../helpers/binary-output';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_SECONDS } from '../transport';

export const DEFAULT_MAX_CONCURRENCY = 8;

/** Where users find the name of a binary field; shown under every field that takes binary field names. */
export const BINARY_FIELDS_HINT =
	'A binary field is the name an earlier node gave a file: see the Binary tab of that node’s output (usually data). Separate several names with commas.';

/**
 * The model picker: a searchable list of the models from GET /models that suit the operation
 * (searchListMethod names a method in methods/listSearch.ts), or any model ID.
 */
export function modelProperty(defaultModel: string, searchListMethod: string): INodeProperties {
	return {
		displayName: 'Model',
		name: 'modelId',
		type: 'resourceLocator',
		default: { mode: 'list', value: defaultModel },
		required: true,
		description:
			'The CometAPI model to use. The list shows the models of your account that suit this operation; choose By ID to use any other model ID.',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: `e.g. ${defaultModel}`,
			},
		],
	};
}

export function readModel(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('modelId', itemIndex, '', { extractValue: true });
	const model = typeof value === 'string' ? value.trim() : '';
	if (!model) {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: the Model is empty`, {
			itemIndex,
			description: 'Pick a model from the list or enter a model ID, e.g. gpt-image-1.',
		});
	}
	return model;
}

export function promptProperty(description: string, placeholder: string, hint: string): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder,
		description,
		hint,
	};
}

export function readPrompt(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('prompt', itemIndex, '');
	const prompt = typeof value === 'string' ? value : String(value ?? '');
	if (prompt.trim() === '') {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: the Prompt is empty`, {
			itemIndex,
			description:
				'Describe the image you want in the Prompt field. If it is an expression, check that it resolves to text for this item.',
		});
	}
	return prompt;
}

/** Options every operation shares: where the images go, how they are grouped, and the timeout. */
export const binaryOutputOption: INodeProperties = {
	displayName: 'Put Output in Field',
	name: 'binaryPropertyOutput',
	type: 'string',
	default: 'data',
	description:
		'Name of the binary field the image is written to. With all images in one item, later images get the same name with _1, _2… appended.',
};

export const outputModeOption: INodeProperties = {
	displayName: 'Output Mode',
	name: 'outputMode',
	type: 'options',
	default: 'itemPerImage',
	options: [
		{
			name: 'One Item per Image',
			value: 'itemPerImage',
			description: 'Each image becomes its own output item',
		},
		{
			name: 'All Images in One Item',
			value: 'allInOne',
			description: 'All images of an input item go into one output item as data, data_1, data_2…',
		},
	],
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	default: DEFAULT_TIMEOUT_SECONDS,
	typeOptions: { minValue: 1 },
	description: 'How long to wait for CometAPI to answer one request. Image models often take a minute or more.',
};

export function readOutputSettings(
	this: IExecuteFunctions,
	options: IDataObject,
	itemIndex: number,
	requestedFormat?: string,
): OutputSettings {
	const name = typeof options.binaryPropertyOutput === 'string' ? options.binaryPropertyOutput.trim() : 'data';
	if (options.binaryPropertyOutput !== undefined && name === '') {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: Put Output in Field is empty`, {
			itemIndex,
			description: 'Enter the name of the binary field for the images, e.g. data.',
		});
	}
	const mode: OutputMode = options.outputMode === 'allInOne' ? 'allInOne' : 'itemPerImage';
	return { binaryPropertyName: name || 'data', mode, requestedFormat };
}

export function readTimeout(options: IDataObject): number {
	const value = Number(options.timeout);
	return Number.isFinite(value) && value > 0 ? value : DEFAULT_TIMEOUT_SECONDS;
}

export const maxRetriesOption: INodeProperties = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	default: DEFAULT_MAX_RETRIES,
	typeOptions: { minValue: 0, maxValue: 10 },
	description:
		'How often to try a request again after a rate limit (429), a gateway or provider failure (500, 502, 503, 504, 524), a dropped connection or a timeout, waiting longer each time (or as long as the API asks). 0 turns retries off. Note: a retried image request may be billed again if the first attempt reached the model.',
};

export const maxConcurrencyOption: INodeProperties = {
	displayName: 'Max Concurrent Requests',
	name: 'maxConcurrency',
	type: 'number',
	default: DEFAULT_MAX_CONCURRENCY,
	typeOptions: { minValue: 1, maxValue: 64 },
	description:
		'How many items are sent to CometAPI at the same time. When CometAPI answers 429 (too many requests) the node halves this on its own and raises it again as requests succeed. Outputs keep the input order.',
	hint: 'Applies to the whole run: it is read once, from the first item, so an expression here sees only item 0',
};

/** Per-request settings every operation passes to the transport. */
export function readRequestSettings(options: IDataObject): { timeoutSeconds: number; maxRetries: number } {
	const retries = Number(options.maxRetries);
	return {
		timeoutSeconds: readTimeout(options),
		maxRetries: Number.isFinite(retries) && retries >= 0 ? Math.floor(retries) : DEFAULT_MAX_RETRIES,
	};
}

/** Max Concurrent Requests applies to the whole node run, so it is read from the first item. */
export function readMaxConcurrency(this: IExecuteFunctions): number {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const value = Number(options.maxConcurrency);
	return Number.isFinite(value) && value >= 1 ? Math.floor(value) : DEFAULT_MAX_CONCURRENCY;
}

/** An operation's Options collection; list the options sorted by display name, as n8n shows them. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}
