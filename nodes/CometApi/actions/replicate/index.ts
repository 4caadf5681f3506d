import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as createPrediction from './createPrediction.operation';
import * as getTask from './getTask.operation';

/** The operations of resource "replicate" (Replicate-style predictions), by the value of the Operation parameter. */
export const operations = { createPrediction, getTask };

/**
 * The main action first, as n8n lists them. A constant: n8n's sentence-case rule for actions
 * would lower-case the family's name ("Get a replicate task"); the node test checks the labels.
 */
const OPERATIONS: INodePropertyOptions[] = [
	{
		name: 'Run Model',
		value: 'createPrediction',
		action: 'Run a model',
		description: 'Create a prediction of a model (owner/name) from its input JSON and images, wait for it and output its images',
	},
	{
		name: 'Get Task',
		value: 'getTask',
		action: 'Get a Replicate task',
		description: 'Fetch a task by its ID (one past Max Wait, or submitted elsewhere), wait for it to end and output its images',
	},
];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['replicate'] } },
		options: OPERATIONS,
		default: 'createPrediction',
	},
	...createPrediction.description,
	...getTask.description,
];
