/*
 * Which model IDs suit which operation, by family name. The model pickers list the account's models
 * from GET /models that pass these tests, and a "model not found" error names them.
 */

/** Models of the Images API's generations endpoint (chat-only image models excluded). */
const GENERATION_MODELS = /(gpt-image|dall-e|seedream|flux|qwen-image|imagen|recraft|ideogram|stable-diffusion|sdxl|kolors|hidream|hunyuan-image)/i;
const NOT_GENERATION = /(edit|i2i|kontext)/i;
/** Models the edits endpoint takes: GPT image models, dall-e-2 and the providers' edit models. */
const EDIT_MODELS = /(gpt-image|dall-e-2|seededit|seedream|qwen-image-edit|kontext|i2i)/i;
/** Chat models that answer with images. */
const CHAT_IMAGE_MODELS = /(4o-image|gemini[\w.-]*image|banana|gpt-image|image-preview)/i;
/** Gemini's native API: its image models first, then the other Gemini models it serves (no embedding, speech or live models). */
const GEMINI_IMAGE_MODELS = /^(models\/)?(gemini[\w.-]*image|[\w.-]*banana)/i;
const GEMINI_MODELS = /^(models\/)?gemini-(?![\w.-]*(embedding|tts|live|audio))/i;

export const isGenerationModel = (id: string): boolean => GENERATION_MODELS.test(id) && !NOT_GENERATION.test(id);
export const isEditModel = (id: string): boolean => EDIT_MODELS.test(id);
export const isChatImageModel = (id: string): boolean => CHAT_IMAGE_MODELS.test(id);
export const isGeminiImageModel = (id: string): boolean => GEMINI_IMAGE_MODELS.test(id);
export const isGeminiModel = (id: string): boolean => GEMINI_IMAGE_MODELS.test(id) || GEMINI_MODELS.test(id);
/** Flux models served on POST /flux/v1/{model} (Black Forest Labs' names). */
export const isFluxModel = (id: string): boolean => /^flux-/i.test(id) && !/video/i.test(id);
/** Kling's image models (kling-v1 … kling-v3); its video and try-on models are not for Generate Image. */
export const isKlingImageModel = (id: string): boolean => /^kling-v\d/i.test(id) && !/video|try-on/i.test(id);
