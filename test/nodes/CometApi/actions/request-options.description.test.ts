import type { INodeProperties } from 'n8n-workflow';

import { CometApi } from '../../../../nodes/CometApi/CometApi.node';
import { REQUEST_OPTION_NAMES } from '../../../../nodes/CometApi/actions/request-options.description';
import { API_KEY } from '../../../helpers/fake-cometapi';
import { runCometApi } from '../../../helpers/harness';
import { useFakeCometApi } from '../../../helpers/setup';

/*
 * Version 2 shows the options that shape the image in Options and those that run the request in
 * Request Options; version 1 (workflows saved before) keeps them all in Options, and both run.
 */

const { description } = new CometApi();
const api = useFakeCometApi();

const isVersion = (property: INodeProperties, version: number) => {
	const gate = property.displayOptions?.show?.['@version'] as unknown[] | undefined;
	if (!gate) return true;
	return gate.some((value) => value === version || (typeof value === 'object' && value !== null && version >= ((value as { _cnd: { gte: number } })._cnd.gte ?? Infinity)));
};

function collection(resource: string, operation: string, name: string, version: number): string[] {
	const property = description.properties.find(
		(p) =>
			p.name === name &&
			p.displayOptions?.show?.resource?.includes(resource) &&
			p.displayOptions.show.operation?.includes(operation) &&
			isVersion(p, version),
	);
	return ((property?.options ?? []) as INodeProperties[]).map((option) => option.name);
}

const OPERATIONS: Array<[string, string]> = [
	['image', 'generate'], ['image', 'edit'], ['image', 'chat'], ['gemini', 'generateImage'], ['flux', 'generateImage'],
	['kling', 'generateImage'], ['bria', 'editImage'], ['replicate', 'createPrediction'], ['midjourney', 'imagine'],
	['midjourney', 'action'], ['midjourney', 'blend'], ['midjourney', 'describe'], ['midjourney', 'modal'],
];

describe('Options and Request Options', () => {
	it('the editor adds version 2; workflows saved with version 1 keep it', () => {
		expect(description.version).toEqual([1, 2]);
		expect(description.defaultVersion).toBe(2);
	});

	it('Generate Image, version 2: Options holds what shapes the image, no plumbing; Request Options the rest', () => {
		const options = collection('image', 'generate', 'options', 2);
		expect(options).toEqual(expect.arrayContaining(['size', 'quality', 'outputFormat', 'n']));
		for (const name of REQUEST_OPTION_NAMES) expect(options).not.toContain(name);
		expect(collection('image', 'generate', 'requestOptions', 2)).toEqual(
			expect.arrayContaining(['timeout', 'maxRetries', 'rateLimitWait', 'retryTimeouts', 'maxConcurrency', 'maxDownloadSize', 'outputMode', 'binaryPropertyOutput']),
		);
	});

	it.each(OPERATIONS)('%s %s: version 2 splits version 1\'s Options, nothing lost, no plumbing left in Options', (resource, operation) => {
		const v1 = collection(resource, operation, 'options', 1);
		const v2 = [...collection(resource, operation, 'options', 2), ...collection(resource, operation, 'requestOptions', 2)];
		expect(v2.sort()).toEqual([...v1].sort());
		expect(collection(resource, operation, 'options', 2).filter((name) => REQUEST_OPTION_NAMES.includes(name))).toEqual([]);
		expect(collection(resource, operation, 'requestOptions', 1)).toEqual([]);
	});

	it('the task options (polling, Max Wait) are request options', () => {
		expect(collection('flux', 'generateImage', 'requestOptions', 2)).toEqual(expect.arrayContaining(['pollInterval', 'maxWait']));
	});

	it.each([
		['version 1, in Options', 1, { options: { binaryPropertyOutput: 'picture', outputMode: 'allInOne', n: 2 } }],
		['version 2, in Request Options', 2, { options: { n: 2 }, requestOptions: { binaryPropertyOutput: 'picture', outputMode: 'allInOne' } }],
	])('%s: the output field and mode are applied', async (_label, typeVersion, parameters) => {
		const { error, output } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: 'a kite', ...parameters },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			typeVersion,
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect(Object.keys(output[0].binary!)).toEqual(['picture', 'picture_1']);
	});

	it('version 2: a request option left in Options by hand is dropped by n8n, as any undeclared value (so version 1 keeps them)', async () => {
		const { output } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: 'a kite', options: { binaryPropertyOutput: 'picture' } },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			typeVersion: 2,
		});
		expect(Object.keys(output[0].binary!)).toEqual(['data']);
	});
});
