import { CometApi } from '../../../nodes/CometApi/CometApi.node';

/*
 * The node panel's labels: what n8n shows in the actions list, checked on the real description.
 */

type Option = { name: string; value: string; action?: string };
const { properties } = new CometApi().description;
const resources = properties.find((p) => p.name === 'resource')!.options as Option[];
const operationsOf = (resource: string) =>
	properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource))!.options as Option[];

describe('Action names', () => {
	it.each(['Bria', 'Flux', 'Kling', 'Midjourney', 'Replicate'])('%s: its Get Task action names the family', (family) => {
		const getTask = operationsOf(family.toLowerCase()).find((o) => o.value === 'getTask')!;
		expect(getTask.action).toMatch(new RegExp(`^Get a ${family} task`));
	});

	it('every action is in sentence case (n8n’s rule), the family names aside', () => {
		const families = resources.map((r) => r.name);
		for (const resource of resources) {
			for (const option of operationsOf(resource.value)) {
				const [first, ...rest] = option.action!.split(' ');
				expect(first[0]).toBe(first[0].toUpperCase());
				for (const word of rest) if (!families.includes(word) && word !== word.toUpperCase()) expect(word).toBe(word.toLowerCase());
			}
		}
	});
});

describe('Aspect Ratio lists', () => {
	const shape = (value: string) => {
		const [width, height] = value.split(':').map(Number);
		return width / height;
	};
	const lists = properties.filter((p) => p.name === 'aspectRatio' && p.type === 'options');

	it('every family with an Aspect Ratio list is checked', () => {
		expect(lists.map((p) => p.displayOptions?.show?.resource?.[0]).sort()).toEqual(['bria', 'bria', 'flux', 'gemini', 'kling']);
	});

	it.each(lists.map((p) => [p.displayOptions?.show?.resource?.[0], p] as const))('%s: its default first, then by shape, tallest to widest', (_family, list) => {
		const values = (list.options as Option[]).map((o) => o.value);
		expect(values[0]).toBe(list.default);
		const shapes = values.slice(1).map(shape);
		expect(shapes).toEqual([...shapes].sort((a, b) => a - b));
	});
});

describe('The canvas subtitle', () => {
	it('names every operation of every resource', () => {
		const subtitle = new CometApi().description.subtitle ?? '';
		for (const resource of resources) {
			for (const option of operationsOf(resource.value)) {
				const key = resource.value === 'image' ? option.value : `${resource.value}:${option.value}`;
				expect(subtitle).toContain(`"${key}": "`);
			}
		}
	});
});
