import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as action from './action.operation';
import * as blend from './blend.operation';
import * as describe from './describe.operation';
import * as getTask from './getTask.operation';
import * as imagine from './imagine.operation';
import * as modal from './modal.operation';

/** The operations of resource "midjourney" (CometAPI's /mj task API), by the value of the Operation parameter. */
export const operations = { imagine, action, blend, describe, modal, getTask };

/**
 * The operations in the order n8n's node panel lists them: Imagine first (the others continue or
 * take images of its tasks), then alphabetically. The lint rule that sorts an inline options list
 * does not check a constant; test/nodes/CometApi/CometApi.node.test.ts pins this order.
 */
const OPERATIONS: INodePropertyOptions[] = [
	{
		name: 'Imagine',
		value: 'imagine',
		action: 'Imagine an image from a prompt',
		description: 'Draw a grid of four images from a prompt (with --ar, --v… as typed) and optional reference images',
	},
	{
		name: 'Action (Upscale, Vary, Reroll…)',
		value: 'action',
		action: 'Press a button to upscale or vary an image',
		description: 'Press a button of a finished task (U1–U4, V1–V4, 🔄, Zoom, Pan…) and wait for the new image',
	},
	{
		name: 'Blend',
		value: 'blend',
		action: 'Blend images',
		description: 'Blend 2 to 5 input images into one image',
	},
	{
		name: 'Describe',
		value: 'describe',
		action: 'Describe an image as prompts',
		description: 'Get the prompts Midjourney suggests for an input image',
	},
	{
		name: 'Get Task',
		value: 'getTask',
		action: 'Get a Midjourney task and its images',
		description: 'Read any task’s status, and download its images when it has finished (no new charge)',
	},
	{
		name: 'Vary Region / Modal',
		value: 'modal',
		action: 'Vary a region of an image',
		description: 'Continue a task in MODAL (after Vary Region or Custom Zoom) with a mask and a prompt',
	},
];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['midjourney'] } },
		options: OPERATIONS,
		default: 'imagine',
	},
	...imagine.description,
	...action.description,
	...blend.description,
	...describe.description,
	...modal.description,
	...getTask.description,
];
