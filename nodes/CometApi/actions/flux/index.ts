import type { INodeProperties } from 'n8n-workflow';

import * as generateImage from './generateImage.operation';
import * as getTask from './getTask.operation';

/** The operations of resource "flux" (Flux, Black Forest Labs' API shape), by the value of the Operation parameter. */
export const operations = { generateImage, getTask };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['flux'] } },
		options: [
			{
				name: 'Generate or Edit Image',
				value: 'generateImage',
				action: 'Generate or edit an image',
				description: 'Draw an image with a Flux model (flux-pro-1.1, ultra, Kontext, FLUX.2), optionally from a reference image; waits for the task',
			},
			{
				name: 'Get Task',
				value: 'getTask',
				action: 'Get a task',
				description: 'Fetch a task by its ID (one past Max Wait, or submitted elsewhere), wait for it to end and output its images',
			},
		],
		default: 'generateImage',
	},
	...generateImage.description,
	...getTask.description,
];
