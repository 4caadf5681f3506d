import type { INodeProperties } from 'n8n-workflow';

/** Width over height of a ratio such as "16:9"; undefined for anything else. */
function shapeOf(value: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(value);
	return match ? Number(match[1]) / Number(match[2]) : undefined;
}

/**
 * An Aspect Ratio list as the panel shows it: its default first, then by shape, from the tallest
 * portrait through square to the widest landscape (not as text, where 16:9 sorts before 2:3).
 */
export function defaultThenByShape<T extends { value: string }>(options: T[], defaultValue: string): T[] {
	const first = options.filter((option) => option.value === defaultValue);
	const rest = options
		.filter((option) => option.value !== defaultValue)
		.sort((a, b) => (shapeOf(a.value) ?? 0) - (shapeOf(b.value) ?? 0));
	return [...first, ...rest];
}

/** An Aspect Ratio parameter that sends nothing by default (the model picks), then `ratios` by shape. */
export function optionalAspectRatioProperty(ratios: readonly string[]): INodeProperties {
	return {
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		default: '',
		options: defaultThenByShape([{ name: 'Model Default (Not Sent)', value: '' }, ...ratios.map((ratio) => ({ name: ratio, value: ratio }))], ''),
		description: 'Shape of the images (aspect_ratio)',
	};
}
