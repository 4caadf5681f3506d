import type { INodeProperties } from 'n8n-workflow';

import * as chat from './chat.operation';
import * as edit from './edit.operation';
import * as generate from './generate.operation';

export { chat, edit, generate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Chat Image',
				value: 'chat',
				action: 'Generate an image via chat',
				description: 'Make images with a chat model (gpt-4o-image, Gemini image models…) and get them as binaries',
			},
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
	...chat.description,
];
