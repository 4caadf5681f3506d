import { API_KEY, type FakeCometApi } from './fake-cometapi';
import { parseMultipart } from './fake-edits';
import { runCometApi, writeFilesNode, type NodeRun } from './harness';
import { makePng } from './images';

/**
 * The workflow Read Files from Disk → CometAPI Edit Image → Write Files to Disk, with stand-ins for
 * the two file nodes that use n8n's binary helpers as they do (a stream in, a buffer out). Checks
 * that the previous node's image and mask reach the API byte for byte and that the edited image
 * is what the next node writes. Call it from test files in each binary data mode.
 */
export async function runEditChain(api: FakeCometApi): Promise<NodeRun> {
	const image = makePng(32, 32, 5);
	const mask = makePng(32, 32, 6);
	const run = await runCometApi({
		parameters: { resource: 'image', operation: 'edit', prompt: 'add a hat', options: { maskProperty: 'mask' } },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		input: [
			{
				json: { path: '/photos/cat.png' },
				binary: {
					data: { data: image, fileName: 'cat.png', mimeType: 'image/png', stream: true },
					mask: { data: mask, fileName: 'cat-mask.png', mimeType: 'image/png', stream: true },
				},
			},
		],
		next: writeFilesNode(),
	});
	expect(run.error).toBeUndefined();
	expect(api.requests).toHaveLength(1);
	const form = await parseMultipart(api.requests[0]);
	expect(form.files.map(({ field, fileName, data }) => ({ field, fileName, data }))).toEqual([
		{ field: 'image', fileName: 'cat.png', data: image },
		{ field: 'mask', fileName: 'cat-mask.png', data: mask },
	]);
	expect(run.nextOutput).toEqual([
		{
			json: { fileName: 'image_1.png', mimeType: 'image/png', base64: makePng(8, 8, 1).toString('base64') },
			pairedItem: { item: 0 },
		},
	]);
	return run;
}
