/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import { sleep } from 'n8n-workflow';

import { API_KEY } from '../../../../helpers/fake-cometapi';
import { binaryBuffer, model, runCometApi } from '../../../../helpers/harness';
import { makeNoisePng, makePng } from '../../../../helpers/images';
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

	it('stores each image while the reply is still arriving, not after it: no image is held whole', async () => {
		const images = [makePng(64, 64, 1), makePng(48, 32, 2)];
		const reply = JSON.stringify({ created: 1, data: images.map((image) => ({ b64_json: image.toString('base64') })) });
		// Cut in the middle of the second image's base64.
		const cut = Math.floor((reply.lastIndexOf('b64_json') + reply.length) / 2);
		// The reply's end (the second image's last half) waits until the first image is in the store, or 5 s.
		const stored: Array<{ bytes: number; replyEnded: boolean }> = [];
		let replyEnded = false;
		let firstStored!: () => void;
		const gate = new Promise<void>((resolve) => (firstStored = resolve));
		const fallback = setTimeout(firstStored, 5000);
		const service = Container.get(BinaryDataService);
		const store = service.store.bind(service);
		const spy = jest.spyOn(service, 'store').mockImplementation(async (location, data, binary) => {
			const result = await store(location, data, binary);
			stored.push({ bytes: result.bytes ?? -1, replyEnded });
			firstStored();
			return result;
		});
		api.override((request) =>
			request.path === '/v1/images/generations'
				? {
						headers: { 'content-type': 'application/json' },
						chunks: [reply.slice(0, cut), reply.slice(cut)],
						holdBeforeLastChunk: gate.then(() => (replyEnded = true)),
					}
				: undefined,
		);
		try {
			const { output, error } = await runCometApi({
				parameters: { resource: 'image', operation: 'generate', prompt: 'a cat', options: { n: 2 } },
				credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			});
			expect(error).toBeUndefined();
			expect(stored).toEqual([
				{ bytes: images[0].length, replyEnded: false },
				{ bytes: images[1].length, replyEnded: true },
			]);
			expect(await binaryBuffer(output[0].binary!.data)).toEqual(images[0]);
			expect(await binaryBuffer(output[1].binary!.data)).toEqual(images[1]);
			expect(output.map((item) => item.binary!.data.fileName)).toEqual(['image_1.png', 'image_2.png']);
		} finally {
			clearTimeout(fallback);
			spy.mockRestore();
			api.override(undefined);
		}
	});

	it.each([
		['declares its length', true],
		['does not declare its length', false],
	])('a reply that %s: its images are decoded one after the other into the same memory, each stored before the next is decoded', async (_case, declared) => {
		// The largest first (a buffer grown for it holds the others), each larger than a first block of 64 KB.
		const images = [makeNoisePng(200, 200, 1), makeNoisePng(160, 180, 2), makeNoisePng(190, 150, 3), makeNoisePng(140, 140, 4)];
		const reply = Buffer.from(JSON.stringify({ created: 1, data: images.map((image) => ({ b64_json: image.toString('base64') })) }));
		const chunks: Buffer[] = [];
		for (let at = 0; at < reply.length; at += 8192) chunks.push(reply.subarray(at, at + 8192));
		// A slow store (a busy disk): it reads the buffer it was given only 20 ms later.
		const memory = new Set<ArrayBufferLike>();
		const service = Container.get(BinaryDataService);
		const store = service.store.bind(service);
		const spy = jest.spyOn(service, 'store').mockImplementation(async (location, data, binary) => {
			if (Buffer.isBuffer(data)) memory.add(data.buffer);
			await sleep(20);
			return await store(location, data, binary);
		});
		api.override((request) =>
			request.path === '/v1/images/generations'
				? { headers: { 'content-type': 'application/json', ...(declared ? { 'content-length': String(reply.length) } : {}) }, chunks }
				: undefined,
		);
		try {
			const { output, error } = await runCometApi({
				parameters: { resource: 'image', operation: 'generate', prompt: 'a cat', options: { n: 4 } },
				credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
			});
			expect(error).toBeUndefined();
			for (const [index, image] of images.entries()) expect(await binaryBuffer(output[index].binary!.data)).toEqual(image);
			expect(memory.size).toBe(1);
		} finally {
			spy.mockRestore();
			api.override(undefined);
		}
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
