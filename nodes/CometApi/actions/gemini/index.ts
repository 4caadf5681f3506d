import type { INodeProperties } from 'n8n-workflow';

import * as generateImage from './generateImage.operation';

/** The operations of resource "gemini" (Gemini's native API), by the value of the Operation parameter. */
export const operations = { generateImage };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['gemini'] } },
		options: [
			{
				name: 'Generate or Edit Image',
				value: 'generateImage',
				action: 'Generate or edit an image',
				description:
					'Draw an image with a Gemini image model (Nano Banana 2, Nano Banana Pro) from a prompt and up to 14 reference images, with aspect ratio and 1K/2K/4K size',
			},
		],
		default: 'generateImage',
	},
	...generateImage.description,
];
