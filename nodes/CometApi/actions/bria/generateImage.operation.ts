import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep, updateDisplayOptions } from 'n8n-workflow';

import { toOutputItems, type ImageResult } from '../../helpers/binary-output';
import { downloadResultImage } from '../../helpers/images-response';
import { itemError } from '../../helpers/item-error';
import { asRecord } from '../../helpers/record';
import { hasApiError, replyError } from '../../helpers/reply-error';
import { apiRequest, downloadImage } from '../../transport';
import { optionalAspectRatioProperty } from '../aspect-ratios';
import { additionalBodyFieldsOption, commonOptions, maxDownloadSizeOption, optionsCollection, promptProperty } from '../common.description';
import {
	parseAdditionalFields,
	readMaxDownloadBytes,
	readOptions,
	readOutputSettings,
	readPrompt,
	readRequestSettings,
} from '../parameters';
import type { RunContext } from '../run-context';

/*
 * Bria text-to-image and text-to-vector on CometAPI (apidoc.cometapi.com/api/image/bria/generate-image.md):
 * POST {host}/bria/text-to-image answers at once with result[] (CometAPI: synchronous whatever `sync`
 * says); POST {host}/bria/text-to-vector is sent with sync: true, so its SVG links are final, and a link
 * not there yet is looked at again (Bria: with sync false the files are made in the background).
 */

export const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9'];

export type BriaTextKind = 'image' | 'vector';

export function briaTextProperties(kind: BriaTextKind): INodeProperties[] {
	return [
		promptProperty(
			kind === 'image' ? 'What to draw, in English' : 'What to draw as a vector graphic (SVG), in English',
			kind === 'image' ? 'e.g. A ceramic mug on a linen cloth, soft morning light' : 'e.g. A flat icon of a paper plane, two colours',
			'Bria reads English prompts',
		),
		optionalAspectRatioProperty(ASPECT_RATIOS),
		optionsCollection([
			...commonOptions,
			additionalBodyFieldsOption,
			maxDownloadSizeOption,
			...(kind === 'image'
				? [
						{
							displayName: 'Medium',
							name: 'medium',
							type: 'options',
							default: 'photography',
							options: [
								{ name: 'Art', value: 'art' },
								{ name: 'Photography', value: 'photography' },
							],
							description: 'The kind of image (medium)',
						} as INodeProperties,
					]
				: []),
			{
				displayName: 'Negative Prompt',
				name: 'negativePrompt',
				type: 'string',
				default: '',
				description: 'What the images should not show (negative_prompt)',
			},
			{
				displayName: 'Number of Results',
				name: 'numResults',
				type: 'number',
				default: 1,
				typeOptions: { minValue: 1, maxValue: 4 },
				description: 'How many images to make (num_results)',
			},
			{
				displayName: 'Seed',
				name: 'seed',
				type: 'number',
				default: 0,
				description: 'A fixed seed gives the same image for the same request (seed)',
			},
		]),
	];
}

export const description = updateDisplayOptions({ show: { resource: ['bria'], operation: ['generateImage'] } }, briaTextProperties('image'));

/** The URLs of Bria's result: result[].urls[], result[].image_url (or the same under data). */
export function resultUrls(reply: IDataObject): string[] {
	const result = reply.result ?? asRecord(reply.data)?.result;
	const entries = Array.isArray(result) ? result : [result];
	return entries.flatMap((entry) => {
		const record = asRecord(entry);
		const urls = [record?.image_url, ...(Array.isArray(record?.urls) ? record.urls : []), ...(Array.isArray(record?.image_urls) ? record.image_urls : [])];
		return urls.filter((url): url is string => typeof url === 'string' && url !== '');
	});
}

/** An SVG file: its text starts with <svg, or with an XML declaration or comment before <svg. */
function isSvg(data: Buffer): boolean {
	const head = data.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart();
	return /^<svg[\s>]/i.test(head) || (/^<(\?xml|!--|!DOCTYPE)/i.test(head) && /<svg[\s>]/i.test(head));
}

/** How often, and how long apart, a vector link that is not there yet is looked at again. */
const VECTOR_LOOKS = 10;
const VECTOR_PAUSE_MS = 3000;

async function downloadSvg(this: IExecuteFunctions, url: string, index: number, options: Parameters<typeof downloadImage>[1], pauseMs: number): Promise<ImageResult> {
	for (let look = 1; ; look++) {
		let failure: unknown;
		try {
			const download = await downloadImage.call(this, url, options);
			if (!isSvg(download.data)) {
				throw new NodeOperationError(this.getNode(), `The file downloaded for vector ${index + 1} is not an SVG (${download.contentType ?? 'no content type'})`, {
					itemIndex: options.itemIndex,
					description: 'Bria’s link may have expired; run the node again.',
				});
			}
			return { data: download.data, contentType: 'image/svg+xml', url };
		} catch (error) {
			failure = error;
		}
		// Bria makes the files behind the links in the background: a link that is not there yet (403, 404) is looked at again.
		const status = Number((failure as { context?: { httpStatus?: number } }).context?.httpStatus);
		if (look >= VECTOR_LOOKS || (status !== 403 && status !== 404)) throw failure;
		await sleep(pauseMs);
	}
}

/** Generate Image / Generate Vector (Bria): one request, the images at once. */
export async function runBriaText(this: IExecuteFunctions, itemIndex: number, run: RunContext, kind: BriaTextKind): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const prompt = readPrompt.call(this, itemIndex);
	const options = readOptions.call(this, itemIndex);
	const aspectRatio = String(this.getNodeParameter('aspectRatio', itemIndex, '') ?? '').trim();
	if (aspectRatio && !ASPECT_RATIOS.includes(aspectRatio)) {
		throw itemError(node, itemIndex, `the Aspect Ratio "${aspectRatio}" is not one Bria takes`, `Use one of ${ASPECT_RATIOS.join(', ')}.`);
	}
	const numResults = options.numResults;
	if (numResults !== undefined && (!Number.isInteger(numResults) || Number(numResults) < 1 || Number(numResults) > 4)) {
		throw itemError(node, itemIndex, `the Number of Results ${String(numResults)} is not a whole number from 1 to 4`, 'Bria makes 1 to 4 images per request.');
	}
	const negative = typeof options.negativePrompt === 'string' ? options.negativePrompt : '';
	const body: IDataObject = {
		prompt,
		...(numResults !== undefined ? { num_results: numResults } : {}),
		...(aspectRatio ? { aspect_ratio: aspectRatio } : {}),
		...(options.seed !== undefined ? { seed: Number(options.seed) } : {}),
		...(negative.trim() ? { negative_prompt: negative } : {}),
		...(kind === 'image' && options.medium ? { medium: options.medium } : {}),
		...(kind === 'vector' ? { sync: true } : {}),
		...parseAdditionalFields(node, options.additionalBodyFields, itemIndex),
	};
	const settings = readRequestSettings(options);
	const output = readOutputSettings.call(this, options, itemIndex);
	const response = await apiRequest.call(
		this,
		{ method: 'POST', root: 'host', endpoint: kind === 'image' ? '/bria/text-to-image' : '/bria/text-to-vector', body, ...settings, itemIndex },
		run,
	);
	if (hasApiError(response)) throw replyError(node, response.error, itemIndex);
	const urls = resultUrls(response);
	if (urls.length === 0) {
		throw new NodeOperationError(node, 'Bria’s reply holds no image links', {
			itemIndex,
			description: `The reply had the fields: ${Object.keys(response).join(', ') || 'none'}. Try again, or check the prompt.`,
		});
	}
	const download = { itemIndex, timeoutSeconds: settings.timeoutSeconds, maxRetries: settings.maxRetries, maxBytes: readMaxDownloadBytes(options), signal: run.signal };
	const images: ImageResult[] = [];
	for (const [index, url] of urls.entries()) {
		images.push(kind === 'vector' ? await downloadSvg.call(this, url, index, download, VECTOR_PAUSE_MS) : await downloadResultImage.call(this, url, index, download));
	}
	return await toOutputItems.call(this, itemIndex, images, { prompt, ...(aspectRatio ? { aspectRatio } : {}), ...(kind === 'vector' ? { format: 'svg' } : {}) }, output);
}

/** Generate Image (Bria): POST {host}/bria/text-to-image; result[] answered at once and downloaded. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	return await runBriaText.call(this, itemIndex, run, 'image');
}
