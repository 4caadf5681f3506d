import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as gemini from './actions/gemini';
import * as image from './actions/image';
import * as midjourney from './actions/midjourney';
import { router } from './actions/router';
import { listSearch } from './methods';

export class CometApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CometAPI',
		name: 'cometApi',
		icon: { light: 'file:cometapi.svg', dark: 'file:cometapi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ {"generate": "Generate Image", "edit": "Edit Image", "chat": "Generate with Chat Model", "generateImage": "Gemini: Generate or Edit Image", "imagine": "Midjourney: Imagine", "action": "Midjourney: Action", "blend": "Midjourney: Blend", "describe": "Midjourney: Describe", "modal": "Midjourney: Vary Region", "getTask": "Midjourney: Get Task"}[$parameter["operation"]] }}',
		description: 'Generate and edit images with CometAPI image models (gpt-image-1, dall-e-3, Seedream, Gemini, Midjourney…)',
		defaults: { name: 'CometAPI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cometApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					// the main resource first: the editor lists the actions by resource in this order
					{ name: 'Image', value: 'image', description: 'OpenAI-style images and chat endpoints: gpt-image-1, dall-e, Seedream, chat image models' },
					{ name: 'Gemini', value: 'gemini', description: 'Gemini’s native API: image models with aspect ratio and 2K/4K size' },
					{ name: 'Midjourney', value: 'midjourney', description: 'Midjourney tasks: Imagine, Upscale/Vary buttons, Blend, Describe, Vary Region' },
				],
				default: 'image',
			},
			...image.description,
			...gemini.description,
			...midjourney.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
