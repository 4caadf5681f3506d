import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { readInputBlob } from '../../helpers/binary-input';
import { toOutputItems, type ImageResult } from '../../helpers/binary-output';
import { GEMINI_REPLY_DIVERSION, parseGeminiReply, SAFETY_STOPS, type GeminiReply } from '../../helpers/gemini-reply';
import { decodeResultImage } from '../../helpers/images-response';
import { itemError, quoteText } from '../../helpers/item-error';
import { hasApiError, replyError } from '../../helpers/reply-error';
import { isGeminiImageModel } from '../../helpers/model-families';
import { reportTokenUsage } from '../../helpers/token-usage';
import { apiDivertingRequest } from '../../transport';
import {
	parseAdditionalFields,
	parsePropertyNames,
	readModel,
	readOptions,
	readOutputSettings,
	readPrompt,
	readRequestSettings,
} from '../parameters';
import { withModelSuggestions } from '../model-suggestions';
import type { RunContext } from '../run-context';
import {
	ASPECT_RATIOS,
	geminiImageLimits,
	geminiImageProperties,
	IMAGE_SIZES,
	MAX_INLINE_IMAGE_BYTES,
	MAX_REFERENCE_IMAGES,
	REFERENCE_IMAGES_LABEL,
	RESPONSE_MODALITIES,
} from './gemini-options.description';

export const description = updateDisplayOptions(
	{ show: { resource: ['gemini'], operation: ['generateImage'] } },
	geminiImageProperties,
);

/**
 * Google's retired Gemini image IDs and their GA successors (shut down 2026-06-25:
 * ai.google.dev/gemini-api/docs/deprecations). Whether CometAPI still serves the old IDs is not
 * documented: they are sent as they are, and only a "not found" sends the item to the successor.
 */
export const RETIRED_SUCCESSORS: Record<string, string> = {
	'gemini-3.1-flash-image-preview': 'gemini-3.1-flash-image',
	'gemini-3-pro-image-preview': 'gemini-3-pro-image',
};

/** Additional Body Fields merged last: objects key by key (so generationConfig keeps imageConfig), anything else replaced. */
function mergeFields(base: IDataObject, extra: IDataObject): IDataObject {
	const merged: IDataObject = { ...base };
	for (const [key, value] of Object.entries(extra)) {
		const current = merged[key];
		const bothObjects = [current, value].every((entry) => entry && typeof entry === 'object' && !Array.isArray(entry));
		merged[key] = bothObjects ? mergeFields(current as IDataObject, value as IDataObject) : value;
	}
	return merged;
}

/** An option whose value must be one of `allowed` (an expression may give anything); '' is not sent. */
function readChoice(context: IExecuteFunctions, itemIndex: number, name: string, label: string, allowed: string[]): string {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (value !== '' && !allowed.includes(value)) {
		throw itemError(context.getNode(), itemIndex, `${label} "${value}" is not one Gemini takes`, `Use one of ${allowed.join(', ')}, or leave it at Model Default.`);
	}
	return value;
}

/** The user turn: the prompt, then each reference image as inline base64 (no `data:` prefix) with its real type. */
async function userParts(this: IExecuteFunctions, itemIndex: number, prompt: string, fields: string[]): Promise<IDataObject[]> {
	const parts: IDataObject[] = [{ text: prompt }];
	for (const field of fields) {
		const image = await readInputBlob.call(this, itemIndex, field, REFERENCE_IMAGES_LABEL);
		if (image.blob.size > MAX_INLINE_IMAGE_BYTES) {
			throw itemError(
				this.getNode(),
				itemIndex,
				`the file in "${field}" (${REFERENCE_IMAGES_LABEL}) is ${(image.blob.size / 1024 / 1024).toFixed(1)} MB, more than the 7 MB Gemini takes for an inline image`,
				'Resize or compress the image first (e.g. with the Edit Image node).',
			);
		}
		parts.push({ inlineData: { mimeType: image.mimeType, data: Buffer.from(await image.blob.arrayBuffer()).toString('base64') } });
	}
	return parts;
}

/** The request body of one item, checked before any image is read. */
function readRequest(this: IExecuteFunctions, itemIndex: number) {
	const node = this.getNode();
	const model = readModel.call(this, itemIndex).replace(/^models\//, '');
	const prompt = readPrompt.call(this, itemIndex);
	const options = readOptions.call(this, itemIndex);
	const fields = parsePropertyNames(this.getNodeParameter('referenceImages', itemIndex, ''));
	if (fields.length > MAX_REFERENCE_IMAGES) {
		throw itemError(node, itemIndex, `${REFERENCE_IMAGES_LABEL} lists ${fields.length} images, more than the ${MAX_REFERENCE_IMAGES} Gemini takes`, `List at most ${MAX_REFERENCE_IMAGES} binary fields.`);
	}
	const aspectRatio = readChoice(this, itemIndex, 'aspectRatio', 'Aspect Ratio', ASPECT_RATIOS);
	const imageSize = readChoice(this, itemIndex, 'imageSize', 'Image Size', IMAGE_SIZES);
	// What this model takes: Nano Banana 2 every ratio and 512; Nano Banana Pro and the others 10 ratios and 1K–4K.
	const limits = geminiImageLimits(model);
	if (aspectRatio && !limits.aspectRatios.includes(aspectRatio)) {
		throw itemError(node, itemIndex, `Aspect Ratio "${aspectRatio}" is not one ${model} takes`, `Use one of ${limits.aspectRatios.join(', ')}; 1:4, 1:8, 4:1 and 8:1 are for gemini-3.1-flash-image (Nano Banana 2).`);
	}
	if (imageSize && !limits.imageSizes.includes(imageSize)) {
		throw itemError(node, itemIndex, `Image Size "${imageSize}" is not one ${model} takes`, `Use one of ${limits.imageSizes.join(', ')}; 512 is for gemini-3.1-flash-image (Nano Banana 2).`);
	}
	const response = String(this.getNodeParameter('responseModalities', itemIndex, 'imageAndText'));
	const imageConfig: IDataObject = {
		...(aspectRatio ? { aspectRatio } : {}),
		...(imageSize ? { imageSize } : {}),
	};
	const systemInstruction = typeof options.systemInstruction === 'string' ? options.systemInstruction : '';
	const body: IDataObject = {
		...(systemInstruction.trim() ? { systemInstruction: { parts: [{ text: systemInstruction }] } } : {}),
		...(options.googleSearch === true ? { tools: [{ google_search: {} }] } : {}),
		generationConfig: {
			responseModalities: RESPONSE_MODALITIES[response] ?? RESPONSE_MODALITIES.imageAndText,
			...(Object.keys(imageConfig).length > 0 ? { imageConfig } : {}),
		},
	};
	const additional = parseAdditionalFields(node, options.additionalBodyFields, itemIndex);
	return { model, prompt, options, fields, body, additional, imageConfig };
}

/** Why a reply has no image, as an error quoting Gemini's reason (its code is the reason, for continueOnFail). */
function noImageError(context: IExecuteFunctions, itemIndex: number, reply: GeminiReply): NodeOperationError {
	const reason = reply.blockReason ?? reply.finishReason;
	const said = reply.text ? ` The model said: "${quoteText(reply.text)}"` : '';
	let message: string;
	let hint: string;
	if (reply.blockReason) {
		message = `Gemini blocked the prompt (${reply.blockReason}${reply.blockReasonMessage ? `: ${reply.blockReasonMessage}` : ''})`;
		hint = 'Rephrase the prompt or change the reference images; nothing was generated.';
	} else if (reply.candidateCount === 0) {
		message = 'Gemini’s reply holds no candidates and no block reason';
		hint = 'Try again, or check that the model is a Gemini image model.';
	} else if (reason && reason !== 'STOP') {
		message = `Gemini stopped without an image (${reason}${reply.finishMessage ? `: ${reply.finishMessage}` : ''})`;
		hint = SAFETY_STOPS.has(reason)
			? 'The prompt or a reference image touched a safety or content policy: rephrase it or use other images.'
			: 'Ask for an image more plainly, or try again.';
	} else {
		message = 'Gemini’s reply holds no image';
		hint = 'Check that the model makes images (e.g. gemini-3.1-flash-image), or ask for an image more plainly.';
	}
	const error = new NodeOperationError(context.getNode(), message, {
		itemIndex,
		description: `${hint}${said} Turn off Fail When No Image to output the text alone.`,
	});
	error.context.apiErrorCode = reason ?? null;
	return error;
}

/**
 * Generate or Edit Image (Gemini): POST {host}/v1beta/models/{model}:generateContent. Every
 * non-thought inline image of the reply becomes a binary; text, finish reason, usage and grounding
 * sources go to the JSON.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const { model, prompt, options, fields, body, additional, imageConfig } = readRequest.call(this, itemIndex);
	const requestSettings = readRequestSettings(options);
	const output = readOutputSettings.call(this, options, itemIndex);
	const contents = [{ role: 'user', parts: await userParts.call(this, itemIndex, prompt, fields) }];
	const send = async (id: string) =>
		await apiDivertingRequest.call(
			this,
			{
				method: 'POST',
				root: 'host',
				endpoint: `/v1beta/models/${encodeURIComponent(id)}:generateContent`,
				body: mergeFields({ contents, ...body }, additional),
				...requestSettings,
				itemIndex,
			},
			GEMINI_REPLY_DIVERSION,
			run,
		);
	let sentModel = model;
	const response = await withModelSuggestions.call(this, model, isGeminiImageModel, async () => {
		const successor = RETIRED_SUCCESSORS[model];
		if (!successor) return await send(model);
		let failure: unknown;
		try {
			return await send(model);
		} catch (error) {
			failure = error;
		}
		// A saved workflow that names a retired preview ID: once CometAPI no longer knows it (not billed), its GA successor.
		if (!(failure instanceof NodeApiError) || failure.context.reason !== 'not_found') throw failure;
		sentModel = successor;
		return await send(successor);
	});

	// CometAPI may answer an error inside an HTTP 200 ({"error": {code, message, status}}): its words, not "no image"
	if (hasApiError(response)) throw replyError(this.getNode(), response.error, itemIndex);
	const reply = parseGeminiReply(response);
	reportTokenUsage.call(this, reply.usage);
	const includeThoughts = options.includeThoughts === true;
	const json: IDataObject = {
		model: reply.modelVersion ?? sentModel,
		...(sentModel !== model ? { requestedModel: model } : {}),
		prompt,
		text: reply.text,
		...(includeThoughts && reply.thoughtText ? { thoughtText: reply.thoughtText } : {}),
		...(reply.finishReason ? { finishReason: reply.finishReason } : {}),
		...(reply.blockReason ? { blockReason: reply.blockReason } : {}),
		...imageConfig,
		...(fields.length > 0 ? { referenceImages: fields } : {}),
		...(reply.usage ? { usage: reply.usage } : {}),
		...(reply.sources.length > 0 ? { sources: reply.sources } : {}),
		...(reply.searchQueries.length > 0 ? { searchQueries: reply.searchQueries } : {}),
	};

	const found = reply.images.filter((image) => includeThoughts || !image.thought);
	if (!found.some((image) => !image.thought)) {
		if (options.failWhenNoImage !== false) throw noImageError(this, itemIndex, reply);
		return [{ json: { ...json, imageCount: 0 }, pairedItem: { item: itemIndex } }];
	}
	const images: ImageResult[] = found.map((image, index) => {
		const decoded = decodeResultImage.call(this, image.data, index, { itemIndex, reply: 'Gemini’s reply' });
		return {
			...decoded,
			contentType: image.mimeType ?? decoded.contentType,
			...(image.thought ? { details: { thought: true } } : {}),
		};
	});
	return await toOutputItems.call(this, itemIndex, images, json, output);
}
