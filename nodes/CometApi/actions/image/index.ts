import type { INodeProperties } from 'n8n-workflow';

import * as edit from './edit.operation';
import * as generate from './generate.operation';

export { edit, generate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Edit Image',
				value: 'edit',
				action: 'Edit an image',
				description: 'Change one or more input images from a prompt, optionally within a mask',
			},
			{
				name: 'Generate Image',
				value: 'generate',
				action: 'Generate an image',
				description: 'Create images from a text prompt',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...edit.description,
];
