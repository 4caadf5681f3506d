import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { apiRequest } from '../transport';

/*
 * When CometAPI answers that a model does not exist or is not available, the error names the
 * account's models that fit the operation (GET /models, free), so the user can pick one at once.
 * Models are retired (Google shut the Gemini -preview image IDs down on 2026-06-25): a saved
 * workflow meets this error first.
 */

/** How many model IDs the error names at most. */
const MAX_NAMED = 12;

/** Whether CometAPI's refusal is about the model: the reason class not_found, or a message about the model. */
function isModelRefusal(error: NodeApiError): boolean {
	if (error.context?.reason === 'not_found') return true;
	const said = `${error.message} ${String(error.context?.apiErrorCode ?? '')}`.toLowerCase();
	return /model/.test(said) && /not[_ ]?found|does not exist|not (available|supported)|no available channel|invalid model/.test(said);
}

/** The account's model IDs that pass `suits`, sorted; empty when the list cannot be read. */
async function suitingModels(context: IExecuteFunctions, suits: (id: string) => boolean): Promise<string[]> {
	try {
		const response = await apiRequest.call(context, { method: 'GET', endpoint: '/models', timeoutSeconds: 30, maxRetries: 0, rateLimitWaitSeconds: 0 });
		const entries = Array.isArray(response.data) ? (response.data as IDataObject[]) : [];
		const ids = entries.map((entry) => (typeof entry?.id === 'string' ? entry.id : '')).filter((id) => id && suits(id));
		return [...new Set(ids)].sort((a, b) => a.localeCompare(b));
	} catch {
		return [];
	}
}

/**
 * Runs `work`; a "model not found" refusal from it gets a sentence naming the account's models that
 * fit this operation (or saying none does). Every other error passes unchanged.
 */
export async function withModelSuggestions(
	this: IExecuteFunctions,
	model: string,
	suits: (id: string) => boolean,
	work: () => Promise<IDataObject>,
): Promise<IDataObject> {
	let failure: unknown;
	try {
		return await work();
	} catch (error) {
		failure = error;
	}
	if (!(failure instanceof NodeApiError) || !isModelRefusal(failure)) throw failure;
	const models = (await suitingModels(this, suits)).filter((id) => id !== model);
	const named = models.slice(0, MAX_NAMED).join(', ');
	const more = models.length > MAX_NAMED ? ` and ${models.length - MAX_NAMED} more (see the Model list)` : '';
	const sentence = models.length > 0
		? `The model "${model}" is not available. Models of your account that fit this operation: ${named}${more}.`
		: `The model "${model}" is not available, and your account lists no other model for this operation.`;
	failure.description = [sentence, failure.description].filter(Boolean).join(' ');
	failure.context.suggestedModels = models;
	throw failure;
}
