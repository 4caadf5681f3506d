/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { API_KEY } from '../../../../helpers/fake-cometapi';
import { isMjPoll, pollReplyWith, taskImage, useFakeMidjourney } from '../../../../helpers/fake-midjourney';
import { binaryBuffer } from '../../../../helpers/harness';
import { makeJpeg, makePng } from '../../../../helpers/images';

/*
 * Imagine, and what every Midjourney operation shares: the submit codes, the task's JSON and image,
 * a failed task, the key on image downloads.
 */

const mj = useFakeMidjourney();
const imagine = (parameters: Record<string, unknown> = {}, extra = {}) =>
	mj.run({ operation: 'imagine', prompt: 'a lighthouse on a cliff --ar 16:9 --v 7', ...parameters }, extra);

describe('Midjourney Imagine', () => {
	it('submits the prompt as typed, polls until SUCCESS and outputs the grid image and the task as JSON', async () => {
		const { error, output } = await imagine();
		expect(error).toBeUndefined();
		expect(mj.submissions('imagine').map((r) => r.json)).toEqual([{ prompt: 'a lighthouse on a cliff --ar 16:9 --v 7', botType: 'MID_JOURNEY' }]);
		const task = mj.lastTask();
		// below the host root, with the key; polls until the end, then the image without the key
		const sequence = mj.sequence();
		expect(sequence[0]).toBe('POST /mj/submit/imagine');
		// the run's due tasks are read together (list-by-condition)
		expect(sequence.slice(1, -1).every((line) => line === 'POST /mj/task/list-by-condition')).toBe(true);
		expect(sequence.at(-1)).toBe('GET /mj/image/{id}');
		expect(sequence.length).toBeGreaterThanOrEqual(3);
		const image = mj.api.requests.at(-1)!;
		expect(image.headers.authorization).toBeUndefined();
		for (const request of mj.api.requests.slice(0, -1)) expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);

		expect(output).toHaveLength(1);
		const [item] = output;
		expect(item.json).toMatchObject({
			taskId: task.id,
			action: 'IMAGINE',
			status: 'SUCCESS',
			progress: '100%',
			prompt: 'a lighthouse on a cliff --ar 16:9 --v 7',
			promptEn: 'a lighthouse on a cliff --ar 16:9 --v 7',
			imageUrl: `${mj.api.baseUrl.replace(/\/v1$/, '')}/mj/image/${task.id}`,
			submitTime: task.submitTime,
			startTime: expect.any(Number),
			finishTime: expect.any(Number),
			durationSeconds: expect.any(Number),
			imageIndex: 1,
			imageCount: 1,
		});
		expect(item.json.failReason).toBeUndefined();
		// buttons as {label, customId}: the 🔄 button's label is its emoji
		const buttons = item.json.buttons as Array<{ label: string; customId: string }>;
		expect(buttons.map((b) => b.label)).toEqual(['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
		expect(buttons[0]).toEqual({ label: 'U1', customId: expect.stringMatching(/^MJ::JOB::upsample::1::[0-9a-f]{32}$/) });
		expect(item.binary?.data).toMatchObject({ fileName: 'image_1.png', mimeType: 'image/png' });
		expect(await binaryBuffer(item.binary!.data)).toEqual(taskImage(task).data);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('Niji, and reference images from binary fields as base64Array data URIs in the order listed', async () => {
		const photo = makePng(8, 6, 3);
		const style = makeJpeg(8, 8, 4);
		const { error } = await imagine(
			{ botType: 'NIJI_JOURNEY', referenceImages: 'style, photo' },
			{ input: [{ binary: { photo: { data: photo, mimeType: 'image/png' }, style: { data: style, mimeType: 'image/jpeg' } } }] },
		);
		expect(error).toBeUndefined();
		expect(mj.submissions('imagine')[0].json).toEqual({
			prompt: 'a lighthouse on a cliff --ar 16:9 --v 7',
			botType: 'NIJI_JOURNEY',
			base64Array: [`data:image/jpeg;base64,${style.toString('base64')}`, `data:image/png;base64,${photo.toString('base64')}`],
		});
	});

	it.each([
		['an empty prompt', { prompt: '  ' }, 'the Prompt is empty'],
		['six reference images', { referenceImages: 'a, b, c, d, e, f' }, 'more than 5'],
		['a missing binary field', { referenceImages: 'photo' }, 'has no binary property "photo"'],
		['an unknown bot', { botType: 'DALL_E' }, 'the Bot "DALL_E"'],
		['Additional Body Fields that are not JSON', { options: { additionalBodyFields: '{oops' } }, 'is not valid JSON'],
		['an empty Put Output in Field', { options: { binaryPropertyOutput: ' ' } }, 'Put Output in Field is empty'],
	])('%s is refused before any request', async (_case, parameters, message) => {
		const { error } = await imagine(parameters);
		expect(error?.message).toContain(message);
		expect(mj.api.requests).toHaveLength(0);
	});

	it.each([
		['code 1 with a numeric result', { numericId: true }],
		['code 21 with a task ID', { code: 21, description: 'Task already exists' }],
		['code 22 with a task ID', { code: 22, description: 'Queuing' }],
	])('%s: submitted, polled by that ID (as a string)', async (_case, plan) => {
		mj.plan(() => plan);
		const { error, output } = await imagine();
		expect(error).toBeUndefined();
		expect(output[0].json.taskId).toBe(mj.lastTask().id);
		expect(mj.sequence()[1]).toBe('POST /mj/task/list-by-condition');
		expect(mj.api.requests[1].json).toEqual({ ids: [mj.lastTask().id] });
	});

	it('any other code is an error quoting the description; nothing is polled', async () => {
		mj.plan(() => ({ code: 24, description: 'Prompt contains banned words: gore' }));
		const { error } = await imagine();
		expect(error?.message).toBe('Midjourney did not take the task: Prompt contains banned words: gore');
		expect(error?.description).toContain('code 24');
		expect(mj.sequence()).toEqual(['POST /mj/submit/imagine']);
	});

	it('a refusal the fake API gives for a bad body (code 4) is quoted', async () => {
		const { error } = await imagine({ options: { additionalBodyFields: '{"seed": 3}' } });
		expect(error?.message).toBe('Midjourney did not take the task: unknown field seed');
	});

	it('Additional Body Fields reach the submission; its keys win', async () => {
		const { error } = await imagine({ options: { additionalBodyFields: '{"accountFilter": {"modes": ["FAST"]}, "state": "run-7", "botType": "NIJI_JOURNEY"}' } });
		expect(error).toBeUndefined();
		expect(mj.submissions('imagine')[0].json).toEqual({
			prompt: 'a lighthouse on a cliff --ar 16:9 --v 7',
			botType: 'NIJI_JOURNEY',
			accountFilter: { modes: ['FAST'] },
			state: 'run-7',
		});
	});

	it('a task that ends in FAILURE (HTTP 200) is an error with failReason, its task ID and last status and progress', async () => {
		mj.plan(() => ({ outcome: 'FAILURE', failReason: 'Banned prompt detected: gore' }));
		const { error } = await imagine();
		expect(error?.message).toBe('Midjourney task failed: Banned prompt detected: gore');
		expect(error?.context?.task).toEqual({ taskId: mj.lastTask().id, status: 'FAILURE', progress: '37%' });
		expect(error?.description).toContain(mj.lastTask().id);
		expect(mj.sequence()).not.toContain('GET /mj/image/{id}');
	});

	it('with continueOnFail a failure after N polls is an error item with taskId, status and progress; other items go on', async () => {
		mj.plan((_route, body) => (String(body.prompt).includes('bad') ? { failAtPoll: 2, durationMs: 10_000, failReason: 'Invalid parameter' } : undefined));
		const { error, output } = await imagine(
			{ prompt: '={{ $json.prompt }}' },
			{ input: [{ json: { prompt: 'a bad one' } }, { json: { prompt: 'a good one' } }], continueOnFail: true },
		);
		expect(error).toBeUndefined();
		const failed = [...mj.tasks.values()].find((task) => task.prompt === 'a bad one')!;
		expect(failed.polls).toBe(2);
		expect(output[0].json).toMatchObject({
			error: 'Midjourney task failed: Invalid parameter',
			taskId: failed.id,
			status: 'FAILURE',
			progress: expect.stringMatching(/^\d+%$/),
			itemIndex: 0,
		});
		expect(output[1].json).toMatchObject({ status: 'SUCCESS', prompt: 'a good one' });
		expect(output[1].binary?.data.mimeType).toBe('image/png');
	});

	it('Put Output in Field names the binary', async () => {
		const { output } = await imagine({ options: { binaryPropertyOutput: 'grid' } });
		expect(Object.keys(output[0].binary!)).toEqual(['grid']);
	});

	it('a proxied image link that refuses the bare request (401) is fetched again through the credential', async () => {
		mj.requireKeyForImages();
		const { error, output } = await imagine();
		expect(error).toBeUndefined();
		const images = mj.api.requests.filter((r) => r.path.startsWith('/mj/image/'));
		expect(images.map((r) => [r.status, r.headers.authorization])).toEqual([
			[401, undefined],
			[200, `Bearer ${API_KEY}`],
		]);
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(taskImage(mj.lastTask()).data);
	});

	it('an image link on another host that refuses the bare request (403) never gets the key; the error keeps the task ID', async () => {
		const seen: Array<string | undefined> = [];
		const other = createServer((req, res) => {
			seen.push(req.headers.authorization);
			res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden');
		});
		await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/grid.png`;
		try {
			mj.api.override((request) =>
				isMjPoll(request) ? pollReplyWith(request, { id: mj.lastTask().id, action: 'IMAGINE', status: 'SUCCESS', progress: '100%', imageUrl: url }) : undefined,
			);
			const { error } = await imagine();
			expect(error?.message).toMatch(/^Downloading the image from 127\.0\.0\.1:\d+ failed with HTTP 403/);
			expect(error?.context?.task).toMatchObject({ taskId: mj.lastTask().id, status: 'SUCCESS' });
			expect(seen).toEqual([undefined]);
			expect(mj.sequence()).not.toContain('GET /mj/image/{id}');
		} finally {
			await new Promise((resolve) => other.close(resolve));
		}
	});

	it('a SUCCESS without any image link is an error with the task ID', async () => {
		mj.api.override((request) =>
			isMjPoll(request) ? pollReplyWith(request, { id: mj.lastTask().id, action: 'IMAGINE', status: 'SUCCESS', progress: '100%', imageUrl: '' }) : undefined,
		);
		const { error } = await imagine();
		expect(error?.message).toBe('The Midjourney task ended without an image');
		expect(error?.description).toContain('Get Task and this task ID (no new charge)');
		expect(error?.context?.task).toMatchObject({ taskId: mj.lastTask().id });
	});

	it('imageUrls is used when there is no imageUrl: every image becomes a binary', async () => {
		const urls = [mj.api.imageHost.publish('a.png', makePng(8, 8, 1)), mj.api.imageHost.publish('b.jpg', makeJpeg(8, 8, 2), 'image/jpeg')];
		mj.api.override((request) =>
			isMjPoll(request) ? pollReplyWith(request, { id: mj.lastTask().id, action: 'IMAGINE', status: 'SUCCESS', progress: '100%', imageUrls: urls.map((url) => ({ url })) }) : undefined,
		);
		const { error, output } = await imagine({ options: { outputMode: 'allInOne' } });
		expect(error).toBeUndefined();
		expect(Object.values(output[0].binary!).map((b) => [b.fileName, b.mimeType])).toEqual([
			['image_1.png', 'image/png'],
			['image_2.jpeg', 'image/jpeg'],
		]);
	});

});
