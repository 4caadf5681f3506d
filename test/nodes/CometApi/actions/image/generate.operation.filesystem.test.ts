/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { API_KEY } from '../../../../helpers/fake-cometapi';
import { binaryBuffer, model, runCometApi } from '../../../../helpers/harness';
import { makePng } from '../../../../helpers/images';
import { useFakeCometApi } from '../../../../helpers/setup';

// n8n's default binary mode on a server: binaries are files, items hold only their IDs.
const api = useFakeCometApi({ filesystemBinaryMode: true });

describe('Generate Image in filesystem binary mode', () => {
	it('stores each image as a file and keeps only its ID in the item', async () => {
		const { output, error } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: 'a cat', options: { n: 2 } },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(2);
		for (const [index, item] of output.entries()) {
			const binary = item.binary!.data;
			expect(binary.id).toMatch(/^filesystem-v2:/);
			expect(binary.data).toBe('filesystem-v2');
			expect(binary.fileName).toBe(`image_${index + 1}.png`);
			expect(await binaryBuffer(binary)).toEqual(makePng(8, 8, index + 1));
		}
		const storage = join(process.env.N8N_USER_FOLDER!, '.n8n', 'storage');
		expect(existsSync(storage)).toBe(true);
	});

	it('downloads URL results into filesystem binaries', async () => {
		const { output } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', modelId: model('dall-e-3'), prompt: 'a cat' },
			credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		});
		expect(output[0].binary!.data.id).toMatch(/^filesystem-v2:/);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(makePng(8, 8, 1));
		expect(api.imageHost.requests[0].headers.authorization).toBeUndefined();
	});
});
