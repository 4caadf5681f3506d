import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as generateImage from './generateImage.operation';
import * as getTask from './getTask.operation';

/** The operations of resource "kling" (Kling images), by the value of the Operation parameter. */
export const operations = { generateImage, getTask };

/**
 * The main action first, as n8n lists them. A constant: n8n's sentence-case rule for actions
 * would lower-case the family's name ("Get a kling task"); the node test checks the labels.
 */
const OPERATIONS: INodePropertyOptions[] = [
	{
		name: 'Generate Image',
		value: 'generateImage',
		action: 'Generate images',
		description: 'Draw 1–9 images with a Kling model from a prompt and an optional reference image; waits for the task',
	},
	{
		name: 'Get Task',
		value: 'getTask',
		action: 'Get a Kling task',
		description: 'Fetch a task by its ID (one past Max Wait, or submitted elsewhere), wait for it to end and output its images',
	},
];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['kling'] } },
		options: OPERATIONS,
		default: 'generateImage',
	},
	...generateImage.description,
	...getTask.description,
];
