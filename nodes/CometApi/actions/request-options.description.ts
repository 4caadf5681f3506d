import type { INodeProperties } from 'n8n-workflow';

/*
 * Version 2 of the node shows an operation's options in two collections: Options, what shapes the
 * image (size, quality, format, style, seed, body fields…), and Request Options, how the node runs
 * the request (timeout, retries, rate-limit wait, concurrency, spend cap, download size, polling,
 * output mode and field). Version 1, the node in workflows saved before, keeps the single Options
 * collection with all of them: n8n drops a saved value its version does not declare, so version 1
 * keeps declaring them there. parameters.ts, readOptions, reads both collections.
 */

/** The options that go to Request Options in version 2. */
export const REQUEST_OPTION_NAMES = [
	'timeout',
	'maxRetries',
	'rateLimitWait',
	'retryTimeouts',
	'maxConcurrency',
	'maxSpendUsd',
	'maxDownloadSize',
	'pollInterval',
	'maxWait',
	'outputMode',
	'binaryPropertyOutput',
];

const V1 = { '@version': [1] };
const V2 = { '@version': [{ _cnd: { gte: 2 } }] };

function forVersion(property: INodeProperties, version: typeof V1 | typeof V2): INodeProperties {
	const show = { ...(property.displayOptions?.show ?? {}), ...version };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}

/**
 * The node's properties with every Options collection split for version 2 (version 1 keeps it
 * whole). An operation's Options that would be left empty is not shown in version 2.
 */
export function withRequestOptions(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => {
		if (property.name !== 'options' || property.type !== 'collection') return [property];
		const all = (property.options ?? []) as INodeProperties[];
		const creative = all.filter((option) => !REQUEST_OPTION_NAMES.includes(option.name));
		const request = all.filter((option) => REQUEST_OPTION_NAMES.includes(option.name));
		if (request.length === 0) return [property];
		const requestOptions: INodeProperties = {
			displayName: 'Request Options',
			name: 'requestOptions',
			type: 'collection',
			placeholder: 'Add Request Option',
			default: {},
			options: request,
		};
		return [
			forVersion(property, V1),
			...(creative.length > 0 ? [forVersion({ ...property, options: creative }, V2)] : []),
			forVersion({ ...requestOptions, displayOptions: property.displayOptions }, V2),
		];
	});
}
