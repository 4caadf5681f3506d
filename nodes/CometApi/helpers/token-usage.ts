import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { accumulateTokenUsage } from 'n8n-workflow';

/*
 * Token usage reported to n8n's own accounting: `accumulateTokenUsage` adds a reply's input and
 * output tokens to the node run's metadata (`tokenUsage`). n8n-workflow has it since the 2.x
 * releases after 2.8; with an older n8n (the package's peer is any n8n-workflow) there is nothing
 * to report to, and the usage stays in the output JSON only.
 */

const accumulate = accumulateTokenUsage as typeof accumulateTokenUsage | undefined;

function tokens(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/**
 * Adds a reply's usage to the run's token usage: Images API replies count `input_tokens` and
 * `output_tokens`, chat completions `prompt_tokens` and `completion_tokens`, Gemini's
 * `usageMetadata` `promptTokenCount` and `candidatesTokenCount` (or their snake_case spellings).
 * A reply without usage adds nothing; accounting never fails an item.
 */
export function reportTokenUsage(this: IExecuteFunctions, usage: unknown): void {
	if (!usage || typeof usage !== 'object' || typeof accumulate !== 'function') return;
	const record = usage as IDataObject;
	const input = tokens(
		record.input_tokens ?? record.prompt_tokens ?? record.promptTokenCount ?? record.prompt_token_count,
	);
	const output = tokens(
		record.output_tokens ?? record.completion_tokens ?? record.candidatesTokenCount ?? record.candidates_token_count,
	);
	if (input === 0 && output === 0) return;
	try {
		accumulate(this, input, output);
	} catch {
		// An n8n whose node context cannot hold the metadata: the usage stays in the output JSON.
	}
}

/**
 * A reply's billed tokens for its cost (actions/spend.ts): input as above; output the reply's
 * output tokens, with Gemini's `thoughtsTokenCount` (thinking is billed as output). Undefined when
 * the reply has no usage.
 */
export function usageTokens(usage: unknown): { input: number; output: number } | undefined {
	if (!usage || typeof usage !== 'object') return undefined;
	const record = usage as IDataObject;
	const input = tokens(
		record.input_tokens ?? record.prompt_tokens ?? record.promptTokenCount ?? record.prompt_token_count,
	);
	const output =
		tokens(
			record.output_tokens ?? record.completion_tokens ?? record.candidatesTokenCount ?? record.candidates_token_count,
		) + tokens(record.thoughtsTokenCount ?? record.thoughts_token_count);
	return input === 0 && output === 0 ? undefined : { input, output };
}
