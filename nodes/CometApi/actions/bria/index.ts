import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as editImage from './editImage.operation';
import * as getTask from './getTask.operation';

/** The operations of resource "bria" (Bria image editing), by the value of the Operation parameter. */
export const operations = { editImage, getTask };

/**
 * The main action first, as n8n lists them. A constant: n8n's sentence-case rule for actions
 * would lower-case the family's name ("Get a bria task"); the node test checks the labels.
 */
const OPERATIONS: INodePropertyOptions[] = [
	{
		name: 'Edit Image',
		value: 'editImage',
		action: 'Edit an image',
		description: 'Erase, generative fill, expand, enhance, increase resolution or replace the background of an image; waits for the task',
	},
	{
		name: 'Get Task',
		value: 'getTask',
		action: 'Get a Bria task',
		description: 'Fetch a task by its ID (one past Max Wait, or submitted elsewhere), wait for it to end and output its images',
	},
];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['bria'] } },
		options: OPERATIONS,
		default: 'editImage',
	},
	...editImage.description,
	...getTask.description,
];
