import type { INodeProperties } from 'n8n-workflow';

import * as editImage from './editImage.operation';
import * as getTask from './getTask.operation';

/** The operations of resource "bria" (Bria image editing), by the value of the Operation parameter. */
export const operations = { editImage, getTask };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['bria'] } },
		options: [
			{
				name: 'Edit Image',
				value: 'editImage',
				action: 'Edit an image',
				description: 'Erase, generative fill, expand, enhance, increase resolution or replace the background of an image; waits for the task',
			},
			{
				name: 'Get Task',
				value: 'getTask',
				action: 'Get a task',
				description: 'Fetch a task by its ID (one past Max Wait, or submitted elsewhere), wait for it to end and output its images',
			},
		],
		default: 'editImage',
	},
	...editImage.description,
	...getTask.description,
];
