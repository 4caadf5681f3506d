import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as editImage from './editImage.operation';
import * as generateImage from './generateImage.operation';
import * as generateVector from './generateVector.operation';
import * as getTask from './getTask.operation';

/** The operations of resource "bria" (Bria image editing), by the value of the Operation parameter. */
export const operations = { editImage, generateImage, generateVector, getTask };

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
		name: 'Generate Image',
		value: 'generateImage',
		action: 'Generate images',
		description: 'Make images from a text prompt (text-to-image); Bria answers at once',
	},
	{
		name: 'Generate Vector',
		value: 'generateVector',
		action: 'Generate vector graphics',
		description: 'Make SVG vector graphics from a text prompt (text-to-vector)',
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
	...generateImage.description,
	...generateVector.description,
	...getTask.description,
];
