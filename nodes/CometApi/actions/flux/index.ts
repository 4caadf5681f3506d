import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as generateImage from './generateImage.operation';
import * as getTask from './getTask.operation';

/** The operations of resource "flux" (Flux, Black Forest Labs' API shape), by the value of the Operation parameter. */
export const operations = { generateImage, getTask };

/**
 * The main action first, as n8n lists them. A constant: n8n's sentence-case rule for actions
 * would lower-case the family's name ("Get a flux task"); the node test checks the labels.
 */
const OPERATIONS: INodePropertyOptions[] = [
	{
		name: 'Generate or Edit Image',
		value: 'generateImage',
		action: 'Generate or edit an image',
		description: 'Draw an image with a Flux model (flux-pro-1.1, ultra, Kontext, FLUX.2), optionally from a reference image; waits for the task',
	},
	{
		name: 'Get Task',
		value: 'getTask',
		action: 'Get a Flux task',
		description: 'Fetch a task by its ID (one past Max Wait, or submitted elsewhere), wait for it to end and output its images',
	},
];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['flux'] } },
		options: OPERATIONS,
		default: 'generateImage',
	},
	...generateImage.description,
	...getTask.description,
];
