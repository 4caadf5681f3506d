import type { INodeProperties } from 'n8n-workflow';

import * as chat from './chat.operation';
import * as edit from './edit.operation';
import * as generate from './generate.operation';

/** The operations of the resource, by the value of the Operation parameter (saved in workflows). */
export const operations = { generate, edit, chat };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		// The main action first: n8n lists actions in this order.
		options: [
			{
				name: 'Generate Image',
				value: 'generate',
				action: 'Generate an image',
				description: 'Create images from a text prompt (gpt-image-1, dall-e-3, Seedream, Flux…)',
			},
			{
				name: 'Edit Image',
				value: 'edit',
				action: 'Edit an image',
				description: 'Change one or more input images from a prompt, optionally within a mask',
			},
			{
				name: 'Generate with Chat Model',
				value: 'chat',
				action: 'Generate or edit an image with a chat model',
				description:
					'Ask a chat image model (gpt-4o-image, Gemini image models…) for an image, with optional input images; the images in its reply become binaries',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...edit.description,
	...chat.description,
];
