import type { INodeProperties } from 'n8n-workflow';

import * as createPrediction from './createPrediction.operation';
import * as getTask from './getTask.operation';

/** The operations of resource "replicate" (Replicate-style predictions), by the value of the Operation parameter. */
export const operations = { createPrediction, getTask };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['replicate'] } },
		// the main action first: n8n lists actions in this order
		options: [
			{
				name: 'Run Model',
				value: 'createPrediction',
				action: 'Run a model',
				description: 'Create a prediction of a model (owner/name) from its input JSON and images, wait for it and output its images',
			},
			{
				name: 'Get Task',
				value: 'getTask',
				action: 'Get a task',
				description: 'Fetch a task by its ID (one past Max Wait, or submitted elsewhere), wait for it to end and output its images',
			},
		],
		default: 'createPrediction',
	},
	...createPrediction.description,
	...getTask.description,
];
