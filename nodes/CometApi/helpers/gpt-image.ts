/*
 * The rules of OpenAI's image models as CometAPI serves them (OpenAI's image API reference, as
 * openai/codex quotes it): which sizes, qualities and input fidelity each GPT image generation and
 * each DALL·E model takes. The run-time checks and the editor's Size and Quality lists read them here.
 */

/** The model's version: gpt-image-1 → 1, gpt-image-1.5 → 1.5, gpt-image-2.5-flare → 2.5; undefined for other models. */
export function gptImageVersion(model: string): number | undefined {
	const match = /^gpt-image-(\d+(?:\.\d+)?)/i.exec(model.trim());
	return match ? Number(match[1]) : undefined;
}

/** gpt-image-1, -1-mini and -1.5 take these sizes only (and auto). */
export const GPT_IMAGE_1_SIZES = ['1024x1024', '1536x1024', '1024x1536'];

/** gpt-image-2 and later: any WxH within these rules (or auto). */
export const GPT_IMAGE_2_RULES = { multiple: 16, maxEdge: 3840, maxRatio: 3, minPixels: 655_360, maxPixels: 8_294_400 };

/** gpt-image-2 and later: the sizes the Size list offers beside gpt-image-1's (2K and 4K; any other within the rules by Custom). */
export const GPT_IMAGE_2_PRESETS = ['2048x2048', '2048x1152', '3840x2160', '2160x3840'];

/** Qualities every generation takes besides auto. */
export const GPT_IMAGE_QUALITIES = ['low', 'medium', 'high'];

/** Qualities each generation takes besides auto, low, medium, high: 2.5 and later add xhigh and max. */
export const LATE_QUALITIES = ['xhigh', 'max'];

/** DALL·E's sizes and qualities (auto aside), per model. */
const DALL_E: Record<string, { sizes: string[]; qualities: string[] }> = {
	'dall-e-2': { sizes: ['256x256', '512x512', '1024x1024'], qualities: ['standard'] },
	'dall-e-3': { sizes: ['1024x1024', '1792x1024', '1024x1792'], qualities: ['standard', 'hd'] },
};

/**
 * The sizes and qualities an OpenAI image model takes besides auto, as the editor lists them:
 * gpt-image-2 and later take any size within GPT_IMAGE_2_RULES, of which these are the presets.
 * Undefined for other models, whose values the node does not know.
 */
export function openAiImageValues(model: string): { sizes: string[]; qualities: string[] } | undefined {
	const dallE = /^dall-e-[23]$/i.exec(model.trim());
	if (dallE) return DALL_E[dallE[0].toLowerCase()];
	const version = gptImageVersion(model);
	if (version === undefined) return undefined;
	return {
		sizes: version < 2 ? GPT_IMAGE_1_SIZES : [...GPT_IMAGE_1_SIZES, ...GPT_IMAGE_2_PRESETS],
		qualities: version < 2.5 ? GPT_IMAGE_QUALITIES : [...GPT_IMAGE_QUALITIES, ...LATE_QUALITIES],
	};
}

/**
 * Why a size does not suit a GPT image model, or undefined when it does (or the model is not a GPT
 * image model, whose sizes the node does not know).
 */
export function gptImageSizeProblem(model: string, size: string): string | undefined {
	const version = gptImageVersion(model);
	if (version === undefined || size === 'auto') return undefined;
	if (version < 2) {
		return GPT_IMAGE_1_SIZES.includes(size) ? undefined : `${model} takes only the sizes ${GPT_IMAGE_1_SIZES.join(', ')} or auto`;
	}
	const match = /^(\d+)x(\d+)$/.exec(size);
	if (!match) return `${model} takes a size as WIDTHxHEIGHT (e.g. 2048x1152) or auto`;
	const [width, height] = [Number(match[1]), Number(match[2])];
	const { multiple, maxEdge, maxRatio, minPixels, maxPixels } = GPT_IMAGE_2_RULES;
	if (width % multiple !== 0 || height % multiple !== 0) return `both edges must be multiples of ${multiple} for ${model}`;
	if (Math.max(width, height) > maxEdge) return `an edge may be at most ${maxEdge} pixels for ${model}`;
	if (Math.max(width, height) / Math.min(width, height) > maxRatio) return `the long edge may be at most ${maxRatio} times the short one for ${model}`;
	const pixels = width * height;
	if (pixels < minPixels || pixels > maxPixels) {
		return `${model} takes ${minPixels.toLocaleString('en')} to ${maxPixels.toLocaleString('en')} pixels, and ${size} has ${pixels.toLocaleString('en')}`;
	}
	return undefined;
}

/** Whether the model takes input_fidelity: gpt-image-2 and later always keep high fidelity and refuse the field. */
export function takesInputFidelity(model: string): boolean {
	const version = gptImageVersion(model);
	return version === undefined || version < 2;
}

/** Whether the model takes this quality (xhigh and max: gpt-image-2.5 and later only). */
export function takesQuality(model: string, quality: string): boolean {
	const version = gptImageVersion(model);
	return !LATE_QUALITIES.includes(quality) || version === undefined || version >= 2.5;
}
