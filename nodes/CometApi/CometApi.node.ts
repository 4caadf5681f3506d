import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as bria from './actions/bria';
import * as flux from './actions/flux';
import * as gemini from './actions/gemini';
import * as image from './actions/image';
import * as midjourney from './actions/midjourney';
import * as kling from './actions/kling';
import * as replicate from './actions/replicate';
import { withRequestOptions } from './actions/request-options.description';
import { router } from './actions/router';
import { listSearch, loadOptions } from './methods';

/**
 * The resources in the order n8n's node panel lists their actions: Image first (its Generate
 * Image is the highlighted first action, n8n's own OpenAI node also shows its main use first),
 * then the families alphabetically. n8n's lint rule node-param-options-type-unsorted-items checks
 * an options list written inline; it does not check a list held in a constant, so the order is
 * kept here and pinned by test/nodes/CometApi/CometApi.node.test.ts (main first, rest sorted).
 */
const RESOURCES: INodePropertyOptions[] = [
	{ name: 'Image', value: 'image', description: 'OpenAI-style images and chat endpoints: gpt-image-1, dall-e, Seedream, chat image models' },
	{ name: 'Bria', value: 'bria', description: 'Bria image editing: erase, fill, expand, enhance, upscale, replace background (task API)' },
	{ name: 'Flux', value: 'flux', description: 'Flux models on Black Forest Labs’ API shape: pro, ultra, Kontext, FLUX.2 (task API)' },
	{ name: 'Gemini', value: 'gemini', description: 'Gemini’s native API: image models with aspect ratio and 2K/4K size' },
	{ name: 'Kling', value: 'kling', description: 'Kling image generation: 1–9 images, with a reference image (task API)' },
	{ name: 'Midjourney', value: 'midjourney', description: 'Midjourney tasks: Imagine, Upscale/Vary buttons, Blend, Describe, Vary Region' },
	{ name: 'Replicate', value: 'replicate', description: 'Replicate-style predictions: any owner/name model with its input JSON (task API)' },
];

export class CometApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CometAPI',
		name: 'cometApi',
		icon: { light: 'file:cometapi.svg', dark: 'file:cometapi.dark.svg' },
		group: ['transform'],
		// 2: the options that run the request are apart, in Request Options (request-options.description.ts)
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{ {"generate": "Generate Image", "edit": "Edit Image", "chat": "Generate with Chat Model", "gemini:generateImage": "Gemini: Generate or Edit Image", "flux:generateImage": "Flux: Generate or Edit Image", "replicate:createPrediction": "Replicate: Run Model", "kling:generateImage": "Kling: Generate Image", "bria:editImage": "Bria: Edit Image", "bria:generateImage": "Bria: Generate Image", "bria:generateVector": "Bria: Generate Vector", "flux:getTask": "Flux: Get Task", "replicate:getTask": "Replicate: Get Task", "kling:getTask": "Kling: Get Task", "bria:getTask": "Bria: Get Task", "midjourney:imagine": "Midjourney: Imagine", "midjourney:action": "Midjourney: Action", "midjourney:blend": "Midjourney: Blend", "midjourney:describe": "Midjourney: Describe", "midjourney:modal": "Midjourney: Vary Region", "midjourney:getTask": "Midjourney: Get Task"}[$parameter["resource"] === "image" ? $parameter["operation"] : $parameter["resource"] + ":" + $parameter["operation"]] }}',
		description:
			'Generate and edit images with CometAPI: gpt-image, Seedream, Gemini / Nano Banana, Midjourney, Flux, Kling, Bria, Replicate models; upscale, inpaint, expand, replace backgrounds',
		defaults: { name: 'CometAPI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cometApi', required: true }],
		properties: withRequestOptions([
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: RESOURCES,
				default: 'image',
			},
			...image.description,
			...gemini.description,
			...midjourney.description,
			...flux.description,
			...replicate.description,
			...kling.description,
			...bria.description,
		]),
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
