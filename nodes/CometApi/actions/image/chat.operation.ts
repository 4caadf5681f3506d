import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { readInputBlob } from '../../helpers/binary-input';
import { toOutputItems, type ImageResult } from '../../helpers/binary-output';
import { parseChatReply, type FoundImage } from '../../helpers/chat-reply';
import { readChatStream } from '../../helpers/chat-stream';
import { decodeResultImage, downloadResultImage } from '../../helpers/images-response';
import { quoteText } from '../../helpers/item-error';
import { hasApiError, replyError } from '../../helpers/reply-error';
import { isChatImageModel } from '../../helpers/model-families';
import { reportTokenUsage } from '../../helpers/token-usage';
import { apiStreamRequest, type DownloadOptions } from '../../transport';
import { binaryFieldsHint } from '../binary-fields.description';
import {
	additionalBodyFieldsOption,
	commonOptions,
	maxDownloadSizeOption,
	modelProperty,
	optionsCollection,
	promptProperty,
} from '../common.description';
import {
	parseAdditionalFields,
	parsePropertyNames,
	readMaxDownloadBytes,
	readModel,
	readOptions,
	readOutputSettings,
	readPrompt,
	readRequestSettings,
} from '../parameters';
import { withModelSuggestions } from '../model-suggestions';
import type { RunContext } from '../run-context';

const INPUT_IMAGES_LABEL = 'Input Image Fields';

const DEFAULT_MAX_IMAGE_LINKS = 10;

/** Max Image Links: how many URLs of one reply are downloaded. */
function readMaxImageLinks(options: IDataObject): number {
	const value = Number(options.maxImageLinks);
	return Number.isFinite(value) && value >= 0 ? Math.floor(value) : DEFAULT_MAX_IMAGE_LINKS;
}

/** The reply's images with at most `maxLinks` URLs (a reply must not make n8n fetch an unbounded list). */
function capLinks(images: FoundImage[], maxLinks: number): { images: FoundImage[]; skipped: number } {
	let links = 0;
	const kept = images.filter((image) => image.inline || ++links <= maxLinks);
	return { images: kept, skipped: images.length - kept.length };
}

const properties: INodeProperties[] = [
	modelProperty('gpt-4o-image', 'searchChatImageModels'),
	promptProperty(
		'The message to the model: the image to make, or what to do with the input images',
		'e.g. A watercolour fox in a snowy forest',
		'Chat models take long prompts (thousands of words); say what to draw, and what to do with each input image',
	),
	{
		displayName: INPUT_IMAGES_LABEL,
		name: 'inputImages',
		type: 'string',
		default: '',
		placeholder: 'e.g. data, photo',
		description:
			'Binary fields of the input item with images to send along with the prompt, comma-separated. Leave empty to make an image from the prompt alone.',
		hint: binaryFieldsHint('images sent with the prompt, PNG, JPEG, WEBP or GIF, each up to 50 MB; empty: the prompt alone'),
	},
	optionsCollection([
		...commonOptions,
		{
			...additionalBodyFieldsOption,
			description:
				'A JSON object merged into the request body as is, e.g. {"temperature": 0.7} or {"extra_body": {"google": {"image_config": {"aspect_ratio": "16:9"}}}}. Its keys win over the options above.',
		},
		{
			displayName: 'Fail When No Image',
			name: 'failWhenNoImage',
			type: 'boolean',
			default: true,
			description:
				'Whether a reply without an image stops the item with an error that quotes the model’s text. Off: the item is output with the text alone.',
		},
		maxDownloadSizeOption,
		{
			displayName: 'Max Image Links',
			name: 'maxImageLinks',
			type: 'number',
			default: DEFAULT_MAX_IMAGE_LINKS,
			typeOptions: { minValue: 0 },
			description:
				'The most image URLs of one reply the node downloads, in the order they appear; further links are left out (counted in imageLinksSkipped). Images inline in the reply do not count.',
		},
		{
			displayName: 'Stream',
			name: 'stream',
			type: 'boolean',
			default: true,
			description:
				'Whether to have the reply streamed (Server-Sent Events) and put together as it arrives. CometAPI advises it for gpt-4o-image, whose replies take minutes.',
		},
		{
			displayName: 'System Message',
			name: 'systemMessage',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			description: 'Instructions sent before the prompt as the system message',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['chat'] } }, properties);

/** The user message: the prompt alone, or the prompt and the input images as base64 data URLs. */
async function userMessage(this: IExecuteFunctions, itemIndex: number, prompt: string): Promise<IDataObject> {
	const names = parsePropertyNames(this.getNodeParameter('inputImages', itemIndex, ''));
	if (names.length === 0) return { role: 'user', content: prompt };
	const content: IDataObject[] = [{ type: 'text', text: prompt }];
	for (const name of names) {
		const image = await readInputBlob.call(this, itemIndex, name, INPUT_IMAGES_LABEL);
		const base64 = Buffer.from(await image.blob.arrayBuffer()).toString('base64');
		content.push({ type: 'image_url', image_url: { url: `data:${image.mimeType};base64,${base64}` } });
	}
	return { role: 'user', content };
}

/** Chat Image: POST /chat/completions; every image in the reply, whatever its shape, becomes a binary. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const model = readModel.call(this, itemIndex);
	const prompt = readPrompt.call(this, itemIndex);
	const options = readOptions.call(this, itemIndex);
	const requestSettings = readRequestSettings(options);
	const output = readOutputSettings.call(this, options, itemIndex);
	const maxBytes = readMaxDownloadBytes(options);
	const additionalFields = parseAdditionalFields(node, options.additionalBodyFields, itemIndex);
	const systemMessage = typeof options.systemMessage === 'string' ? options.systemMessage : '';

	const messages: IDataObject[] = [];
	if (systemMessage.trim() !== '') messages.push({ role: 'system', content: systemMessage });
	messages.push(await userMessage.call(this, itemIndex, prompt));
	const body: IDataObject = { model, messages, stream: options.stream !== false, ...additionalFields };
	// A streamed reply carries its usage only when asked for it (in a last chunk).
	if (body.stream === true && body.stream_options === undefined) body.stream_options = { include_usage: true };

	// Refusals of the model (HTTP status, error event, error in a 200) name the account's chat image models.
	const completion = await withModelSuggestions.call(this, model, isChatImageModel, async () => {
		// A streamed request also takes a plain JSON answer (relays that ignore `stream`), and the other way round.
		const reply = await apiStreamRequest.call(
			this,
			{ method: 'POST', endpoint: '/chat/completions', body, ...requestSettings, itemIndex },
			run,
		);
		const read =
			reply.kind === 'stream'
				? await readChatStream.call(this, reply.events, { itemIndex, timeoutSeconds: requestSettings.timeoutSeconds })
				: reply.body;
		if (!Array.isArray(read.choices) || read.choices.length === 0) {
			if (hasApiError(read)) throw replyError(node, read, itemIndex);
		}
		return read;
	});
	const { signal } = run;
	reportTokenUsage.call(this, completion.usage);
	const choices = Array.isArray(completion.choices) ? (completion.choices as IDataObject[]) : [];
	if (choices.length === 0) {
		throw new NodeOperationError(node, 'CometAPI’s reply holds no choices', {
			itemIndex,
			description: `The reply had the fields: ${Object.keys(completion).join(', ') || 'none'}. Check that the model answers chat requests.`,
		});
	}

	const parsed = parseChatReply(choices.map((choice) => choice.message ?? choice.delta));
	const { images: found, skipped } = capLinks(parsed.images, readMaxImageLinks(options));
	const finishReason = choices[0].finish_reason;
	const json: IDataObject = {
		model: typeof completion.model === 'string' && completion.model ? completion.model : model,
		prompt,
		text: parsed.text,
		...(finishReason !== undefined && finishReason !== null ? { finish_reason: finishReason } : {}),
		...(completion.usage ? { usage: completion.usage } : {}),
		imageSources: found.map((image) => (image.inline ? 'inline' : image.source)),
		...(skipped > 0 ? { imageLinksSkipped: skipped } : {}),
	};

	if (found.length === 0) {
		if (options.failWhenNoImage !== false) {
			const stopped = typeof finishReason === 'string' && finishReason !== 'stop' ? ` (finish reason: ${finishReason})` : '';
			throw new NodeOperationError(
				node,
				parsed.text
					? `The model’s reply holds no image${stopped}: "${quoteText(parsed.text)}"`
					: `The model’s reply holds no image and no text${stopped}`,
				{
					itemIndex,
					description:
						'Check that the model makes images (e.g. gpt-4o-image, gemini-3.1-flash-image), or rephrase the prompt. Turn off Fail When No Image to output the text alone.',
				},
			);
		}
		return [{ json: { ...json, imageCount: 0 }, pairedItem: { item: itemIndex } }];
	}

	const images: ImageResult[] = [];
	for (const [index, image] of found.entries()) {
		images.push(await toImageResult.call(this, image, index, { itemIndex, maxBytes, signal, ...requestSettings }));
	}
	return await toOutputItems.call(this, itemIndex, images, json, output);
}

/** Decodes an inline image or downloads a URL (without credentials, http(s) only, up to maxBytes). */
async function toImageResult(
	this: IExecuteFunctions,
	found: FoundImage,
	index: number,
	settings: DownloadOptions,
): Promise<ImageResult> {
	if (!found.inline) {
		return await downloadResultImage.call(this, found.source, index, settings);
	}
	return decodeResultImage.call(this, found.source, index, { itemIndex: settings.itemIndex, reply: 'the model’s reply' });
}
