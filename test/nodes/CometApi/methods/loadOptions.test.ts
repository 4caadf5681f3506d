import type { ILoadOptionsFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { CometApi } from '../../../../nodes/CometApi/CometApi.node';
import { gptImageSizeProblem, takesQuality } from '../../../../nodes/CometApi/helpers/gpt-image';
import { seedreamSizeProblem } from '../../../../nodes/CometApi/actions/image/seedream';
import { loadOptionsContext, model } from '../../../helpers/harness';

/*
 * The Size and Quality lists of Generate Image and Edit Image, loaded as the editor loads them: the
 * method each Options collection names, run with the node's parameters (the chosen model).
 */

const node = new CometApi();
type Operation = 'generate' | 'edit';
type Load = (this: ILoadOptionsFunctions) => Promise<INodePropertyOptions[]>;

/** The option of the operation's Options collection (every node version), as the description declares it. */
function declared(operation: Operation, name: 'size' | 'quality'): INodeProperties[] {
	return node.description.properties
		.filter((p) => p.name === 'options' && p.displayOptions?.show?.resource?.includes('image') && p.displayOptions.show.operation?.includes(operation))
		.map((collection) => (collection.options as INodeProperties[]).find((option) => option.name === name)!);
}

/** The values the panel lists for the option with this model (an ID, a resource-locator value, or an expression). */
async function listed(operation: Operation, name: 'size' | 'quality', modelId: unknown): Promise<string[]> {
	const [property] = declared(operation, name);
	const method = (node.methods.loadOptions as Record<string, Load>)[property.typeOptions!.loadOptionsMethod as string];
	const context = loadOptionsContext({ parameters: { resource: 'image', operation, modelId, options: {} } }, `parameters.options.${name}`);
	return (await method.call(context as unknown as ILoadOptionsFunctions)).map((option) => String(option.value));
}

const ALL_SIZES = ['auto', 'custom', '1536x1024', '1792x1024', '2048x1152', '3840x2160', '1024x1536', '1024x1792', '2160x3840', '1024x1024', '2048x2048', '256x256', '512x512'];
const ALL_QUALITIES = ['auto', 'hd', 'high', 'low', 'max', 'medium', 'standard', 'xhigh'];

describe('Size and Quality list the values of the chosen model', () => {
	it.each([
		['generate', 'size'],
		['generate', 'quality'],
		['edit', 'size'],
		['edit', 'quality'],
	] as const)('%s, %s: every node version loads its list from a method that depends on the model, and keeps its name and default', (operation, name) => {
		const properties = declared(operation, name);
		expect(properties).toHaveLength(2);
		for (const property of properties) {
			expect(property).toMatchObject({ name, type: 'options', default: 'auto' });
			expect(property.typeOptions?.loadOptionsDependsOn).toEqual(['modelId.value']);
			expect(node.methods.loadOptions).toHaveProperty([property.typeOptions!.loadOptionsMethod as string]);
		}
	});

	it.each([
		['dall-e-2', ['auto', 'custom', '1024x1024', '256x256', '512x512']],
		['dall-e-3', ['auto', 'custom', '1792x1024', '1024x1792', '1024x1024']],
		['gpt-image-1', ['auto', 'custom', '1536x1024', '1024x1536', '1024x1024']],
		['gpt-image-1.5', ['auto', 'custom', '1536x1024', '1024x1536', '1024x1024']],
		['gpt-image-2', ['auto', 'custom', '1536x1024', '2048x1152', '3840x2160', '1024x1536', '2160x3840', '1024x1024', '2048x2048']],
		['gpt-image-2.5', ['auto', 'custom', '1536x1024', '2048x1152', '3840x2160', '1024x1536', '2160x3840', '1024x1024', '2048x2048']],
		['doubao-seedream-4-0-250828', ['auto', 'custom', '1K', '2K', '4K']],
		['doubao-seedream-4-5-251128', ['auto', 'custom', '2K', '4K']],
		['doubao-seedream-5-0-260128', ['auto', 'custom', '2K', '3K']],
	])('Generate, %s: Size lists its sizes, Auto and Custom', async (id, sizes) => {
		expect(await listed('generate', 'size', model(id))).toEqual(sizes);
		// By ID lists the same
		expect(await listed('generate', 'size', model(id, 'id'))).toEqual(sizes);
	});

	it('gpt-image-2 offers its 4K presets and not dall-e-3’s 1792x1024; dall-e-3 the reverse', async () => {
		const gpt = await listed('generate', 'size', model('gpt-image-2'));
		const dallE = await listed('generate', 'size', model('dall-e-3'));
		expect(gpt).toContain('3840x2160');
		expect(gpt).not.toContain('1792x1024');
		expect(dallE).toContain('1792x1024');
		expect(dallE).not.toContain('3840x2160');
	});

	it('every size listed for a model passes its run-time check (Custom aside, which opens Size (Custom))', async () => {
		const sizes = async (id: string) => (await listed('generate', 'size', model(id))).filter((size) => size !== 'custom');
		for (const id of ['gpt-image-1', 'gpt-image-1.5', 'gpt-image-2', 'gpt-image-2.5']) {
			for (const size of await sizes(id)) expect([size, gptImageSizeProblem(id, size)]).toEqual([size, undefined]);
		}
		for (const id of ['doubao-seedream-4-0-250828', 'doubao-seedream-4-5-251128', 'doubao-seedream-5-0-260128']) {
			for (const size of await sizes(id)) expect([size, seedreamSizeProblem(id, size)]).toEqual([size, undefined]);
		}
	});

	it.each([
		['dall-e-2', ['auto', 'standard']],
		['dall-e-3', ['auto', 'hd', 'standard']],
		['gpt-image-1', ['auto', 'high', 'low', 'medium']],
		['gpt-image-2', ['auto', 'high', 'low', 'medium']],
		['gpt-image-2.5', ['auto', 'high', 'low', 'max', 'medium', 'xhigh']],
	])('Generate, %s: Quality lists its qualities', async (id, qualities) => {
		const values = await listed('generate', 'quality', model(id));
		expect(values).toEqual(qualities);
		for (const quality of values) expect(takesQuality(id, quality)).toBe(true);
	});

	it.each([
		['an unknown ID', model('acme-image-9', 'id')],
		['an expression in By ID', model('={{ $json.model }}', 'id')],
		['an expression in place of the picker', '={{ $json.model }}'],
		['no model', model('', 'id')],
	])('%s: Size and Quality list every value, as before', async (_case, modelId) => {
		expect(await listed('generate', 'size', modelId)).toEqual(ALL_SIZES);
		expect(await listed('generate', 'quality', modelId)).toEqual(ALL_QUALITIES);
	});

	it('Seedream’s qualities are not known: its Quality lists every value', async () => {
		expect(await listed('generate', 'quality', model('doubao-seedream-4-5-251128'))).toEqual(ALL_QUALITIES);
	});

	it('Edit never lists dall-e-3’s sizes or hd (dall-e-3 does not edit), whatever the model', async () => {
		expect(await listed('edit', 'size', model('acme-image-9', 'id'))).toEqual(ALL_SIZES.filter((size) => !size.includes('1792')));
		expect(await listed('edit', 'quality', model('acme-image-9', 'id'))).toEqual(ALL_QUALITIES.filter((quality) => quality !== 'hd'));
		expect(await listed('edit', 'size', model('dall-e-2'))).toEqual(['auto', 'custom', '1024x1024', '256x256', '512x512']);
		expect(await listed('edit', 'quality', model('dall-e-2'))).toEqual(['auto', 'standard']);
		expect(await listed('edit', 'size', model('gpt-image-2'))).toContain('3840x2160');
		expect(await listed('edit', 'size', model('doubao-seedream-4-0-250828'))).toEqual(['auto', 'custom', '1K', '2K', '4K']);
	});
});
