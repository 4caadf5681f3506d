import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import {
	EDIT_QUALITY_CHOICES,
	EDIT_SIZE_CHOICES,
	QUALITY_CHOICES,
	SIZE_CHOICES,
} from '../actions/image/image-options.description';
import { seedreamSizeRules } from '../actions/image/seedream';
import { openAiImageValues } from '../helpers/gpt-image';

/*
 * The Size and Quality lists of Generate Image and Edit Image: the values the chosen model takes,
 * as the run-time checks know them (helpers/gpt-image.ts, actions/image/seedream.ts), with Auto and
 * Custom; every value for a model the node does not know or an expression. Nothing is refused here:
 * Custom, By ID and expressions still send any value.
 */

/** Values every list keeps: the model's default and the way to any other size. */
const ALWAYS = ['auto', 'custom'];

/** The model ID the picker holds (From list or By ID), or undefined for an expression or none. */
function currentModel(context: ILoadOptionsFunctions): string | undefined {
	const parameter = context.getCurrentNodeParameter('modelId');
	const value = parameter !== null && typeof parameter === 'object' && 'value' in parameter ? parameter.value : parameter;
	if (typeof value !== 'string') return undefined;
	const id = value.trim();
	return id === '' || id.startsWith('=') ? undefined : id;
}

function sizesFor(model: string | undefined, all: INodePropertyOptions[]): INodePropertyOptions[] {
	if (model === undefined) return all;
	const seedream = seedreamSizeRules(model);
	if (seedream) {
		// Seedream's presets set the resolution; the model picks the shape from the prompt
		const presets = seedream.presets.map((preset) => ({ name: preset, value: preset, description: `${seedream.name}: the shape follows the prompt` }));
		return [...all.filter((option) => ALWAYS.includes(String(option.value))), ...presets];
	}
	const sizes = openAiImageValues(model)?.sizes;
	return sizes ? all.filter((option) => ALWAYS.includes(String(option.value)) || sizes.includes(String(option.value))) : all;
}

function qualitiesFor(model: string | undefined, all: INodePropertyOptions[]): INodePropertyOptions[] {
	const qualities = model === undefined ? undefined : openAiImageValues(model)?.qualities;
	return qualities ? all.filter((option) => option.value === 'auto' || qualities.includes(String(option.value))) : all;
}

export async function imageSizes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return sizesFor(currentModel(this), SIZE_CHOICES);
}

export async function editImageSizes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return sizesFor(currentModel(this), EDIT_SIZE_CHOICES);
}

export async function imageQualities(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return qualitiesFor(currentModel(this), QUALITY_CHOICES);
}

export async function editImageQualities(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return qualitiesFor(currentModel(this), EDIT_QUALITY_CHOICES);
}
