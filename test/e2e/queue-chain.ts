import { randomUUID } from 'node:crypto';

import { answerChat, dataUri, gpt4oImageAnswer, resetChat, type ChatMessage } from '../helpers/fake-chat';
import { API_KEY, errorReply, type FakeCometApi, type FakeReply } from '../helpers/fake-cometapi';
import { parseMultipart } from '../helpers/fake-edits';
import { makeJpeg, makePng } from '../helpers/images';
import { NODE_TYPE, workflow, type Workflow } from './n8n-instance';

/*
 * The queue-mode workload: a Webhook starts Generate → Edit (the generated image) → Chat Image (the
 * edited image) on ITEMS items, each item tagged "queue run R item I" by its prompt. The fake API
 * answers every item with images of its own, and checks that each Edit and Chat request got the
 * image of the same item, so a binary handed to the wrong item (or lost between worker and
 * database) fails the execution, and the outputs can be checked byte for byte.
 */

export const ITEMS = 25;
export const WEBHOOK_PATH = 'cometapi-queue';

export interface ItemId {
	run: number;
	item: number;
}

const TAG = /queue run (\d+) item (\d+)/;

export function itemOf(text: unknown): ItemId | undefined {
	const match = TAG.exec(String(text ?? ''));
	return match ? { run: Number(match[1]), item: Number(match[2]) } : undefined;
}

// a colour of its own for every item of up to 10 runs (makePng/makeJpeg take the seed modulo 256)
const seed = ({ run, item }: ItemId) => 1 + run * ITEMS + item;

/** The images the fake API answers for an item: generated (PNG), edited (JPEG), framed by Chat Image (PNG). */
export const IMAGES = {
	Generate: { mimeType: 'image/png', extension: 'png', bytes: (id: ItemId) => makePng(8, 8, seed(id)) },
	Edit: { mimeType: 'image/jpeg', extension: 'jpeg', bytes: (id: ItemId) => makeJpeg(8, 8, seed(id)) },
	Chat: { mimeType: 'image/png', extension: 'png', bytes: (id: ItemId) => makePng(8, 8, 128 + seed(id)) },
};

/** The webhook request's body for one run: its ITEMS prompts. */
export function runRequest(run: number): string {
	return JSON.stringify({ prompts: Array.from({ length: ITEMS }, (_, item) => ({ prompt: `queue run ${run} item ${item}: a red fox` })) });
}

/** Webhook → Prompts (the items of the request body) → Generate → Edit → Chat. */
export function chainWorkflow(credential: { id: string; name: string }): Workflow {
	const cometApi = (name: string, parameters: Record<string, unknown>) => ({
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		parameters: { resource: 'image', ...parameters },
		credentials: { cometApi: credential },
	});
	return workflow('queueChain000001', 'Queue mode: Generate → Edit → Chat Image', [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
		},
		// the items come with the request and are split without a Code node: its task runner is
		// a process of its own that a busy machine can starve past n8n's 60 s task timeout
		{
			name: 'Prompts',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'body.prompts', options: {} },
		},
		cometApi('Generate', { operation: 'generate', prompt: '={{ $json.prompt }}' }),
		cometApi('Edit', { operation: 'edit', prompt: '={{ $json.prompt }}, with a scarf', imageProperties: 'data', options: { outputFormat: 'jpeg' } }),
		cometApi('Chat', { operation: 'chat', prompt: '={{ $json.prompt }}, framed on a wall', inputImages: 'data' }),
	]);
}

const imagesJson = (image: Buffer, extra: Record<string, unknown> = {}): FakeReply => ({
	json: {
		created: 1763700000,
		data: [{ b64_json: image.toString('base64') }],
		usage: { input_tokens: 12, output_tokens: 4160, total_tokens: 4172 },
		...extra,
	},
});

/**
 * Makes the fake API answer each item with its own images, and refuse (HTTP 400, which fails the
 * execution) an Edit or Chat request whose image is not the one of the item its prompt names.
 * Returns the list of such mismatches. Undo with `api.reset()` and `resetChat()`.
 */
export function answerPerItem(api: FakeCometApi): string[] {
	const mismatches: string[] = [];
	const refuse = (message: string) => {
		mismatches.push(message);
		return errorReply(400, message, 'invalid_value', 'image');
	};
	api.override(async (request) => {
		if (request.method !== 'POST' || request.headers.authorization !== `Bearer ${API_KEY}`) return undefined;
		if (request.path === '/v1/images/generations') {
			const id = itemOf(request.json?.prompt);
			if (!id || request.json?.model !== 'gpt-image-1') return refuse(`unexpected generation request ${JSON.stringify(request.json)}`);
			return imagesJson(IMAGES.Generate.bytes(id));
		}
		if (request.path === '/v1/images/edits') {
			const form = await parseMultipart(request);
			const prompt = form.fields.find(([name]) => name === 'prompt')?.[1];
			const id = itemOf(prompt);
			const [file, ...more] = form.files;
			if (!id || !file || more.length > 0 || file.mimeType !== 'image/png' || !file.data.equals(IMAGES.Generate.bytes(id))) {
				return refuse(`Edit "${prompt}" did not get the image generated for its item`);
			}
			return imagesJson(IMAGES.Edit.bytes(id), { output_format: 'jpeg' });
		}
		return undefined; // chat completions: the fake model below, behind the route's strict checks
	});
	answerChat((chat, context) => {
		const parts = (chat.messages[0] as ChatMessage).content as Array<{ type: string; text?: string; image_url?: { url: string } }>;
		const text = parts.find((part) => part.type === 'text')?.text;
		const id = itemOf(text);
		const images = parts.filter((part) => part.type === 'image_url').map((part) => part.image_url?.url);
		if (!id || images.length !== 1 || images[0] !== dataUri(IMAGES.Edit.bytes(id), 'image/jpeg')) {
			return { reply: refuse(`Chat "${text}" did not get the image edited for its item`) };
		}
		return gpt4oImageAnswer(context, IMAGES.Chat.bytes(id));
	});
	return mismatches;
}

export { resetChat };
