import type { INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_MAX_DOWNLOAD_MB,
	DEFAULT_MAX_RETRIES,
	DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
} from '../transport';

/*
 * The parameters every operation shares, as the panel shows them. They are read in parameters.ts.
 */

export const DEFAULT_MAX_CONCURRENCY = 32;

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

export const ADDITIONAL_FIELDS_LABEL = 'Additional Body Fields (JSON)';

/** Options every operation shares: extra body fields, where the images go, how they are grouped, the timeout. */
export const additionalBodyFieldsOption: INodeProperties = {
	displayName: ADDITIONAL_FIELDS_LABEL,
	name: 'additionalBodyFields',
	type: 'json',
	default: '{}',
	description:
		'A JSON object merged into the request body as is, for model-specific fields (e.g. {"watermark": false, "guidance_scale": 5} for Seedream). Its keys win over the options above.',
};

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
	description:
		'How long to wait for CometAPI to answer, per attempt; for a streamed reply, the longest gap without data; for each image download, the wait for the image. Image models often take a minute or more.',
};

export const maxRetriesOption: INodeProperties = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	default: DEFAULT_MAX_RETRIES,
	typeOptions: { minValue: 0, maxValue: 10 },
	description:
		'How often to try a request again after a gateway or provider failure (500, 502, 503, 504, 524) or a reset or refused connection, waiting longer each time (or as long as the API asks); image downloads also after a timeout. Rate limits (429) do not count: see Rate Limit Wait. 0 turns retries off. Note: a retried image request may be billed again if the first attempt reached the model.',
};

export const rateLimitWaitOption: INodeProperties = {
	displayName: 'Rate Limit Wait (Seconds)',
	name: 'rateLimitWait',
	type: 'number',
	default: DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	typeOptions: { minValue: 0 },
	description:
		'How long an item keeps waiting out rate limits (429), counted from its first 429: it is sent again after the Retry-After the API asks for, as often as needed, and only fails when still refused after this long. 0: a 429 fails the item at once.',
};

export const retryTimeoutsOption: INodeProperties = {
	displayName: 'Retry Timed-Out Requests',
	name: 'retryTimeouts',
	type: 'boolean',
	default: false,
	description:
		'Whether an image request that timed out after it was sent is sent again (within Max Retries). Off by default: the model may have made the image all the same, and CometAPI bills it, so a retry may be billed twice.',
};

export const maxDownloadSizeOption: INodeProperties = {
	displayName: 'Max Download Size (MB)',
	name: 'maxDownloadSize',
	type: 'number',
	default: DEFAULT_MAX_DOWNLOAD_MB,
	typeOptions: { minValue: 1 },
	description: 'The largest image the node downloads from a URL in the reply',
};

export const maxConcurrencyOption: INodeProperties = {
	displayName: 'Max Concurrent Requests',
	name: 'maxConcurrency',
	type: 'number',
	default: DEFAULT_MAX_CONCURRENCY,
	typeOptions: { minValue: 1, maxValue: 64 },
	description:
		'The most requests to CometAPI in flight at once for one account (API key and Base URL) in this n8n process (main or worker): executions running at the same time share it. When CometAPI answers 429 (too many requests) the node lowers it to what the API took and raises it again as requests succeed. Outputs keep the input order.',
	hint: 'Per account, per n8n process; read once per run, from the first item, so an expression here sees only item 0',
};

export const maxSpendOption: INodeProperties = {
	displayName: 'Max Spend per Run (USD)',
	name: 'maxSpendUsd',
	type: 'number',
	default: 0,
	typeOptions: { minValue: 0, numberPrecision: 2 },
	description:
		'Stop sending paid requests once this run would pass this many US dollars, estimated from CometAPI’s public price list (not your invoice): the remaining items fail with reason spend_cap and are not billed. 0: no cap. See the README, Cost.',
	hint: 'Read once per run, from the first item; models without a listed price count $0',
};

/** An operation's Options collection, its options sorted by display name as n8n lists them. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...options].sort((a, b) => a.displayName.localeCompare(b.displayName, 'en')),
	};
}

/** The options of every operation about the run and where its images go (Max Download Size: those that download). */
export const commonOptions: INodeProperties[] = [
	binaryOutputOption,
	maxConcurrencyOption,
	maxRetriesOption,
	maxSpendOption,
	outputModeOption,
	rateLimitWaitOption,
	retryTimeoutsOption,
	timeoutOption,
];

/** The output options: where the images go (left out where a result is text alone). */
export const OUTPUT_OPTION_NAMES = [binaryOutputOption.name, outputModeOption.name];

/** The Task ID of an operation that reads or continues a task (Get Task; Midjourney's Action and Vary Region). */
export function taskIdProperty(description: string, hint?: string): INodeProperties {
	return {
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.taskId }}',
		description,
		...(hint ? { hint } : {}),
	};
}
