import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Adds a request's tokens to the node run's token usage, which n8n reads from the task's metadata
 * (what n8n-workflow's accumulateTokenUsage does; that export is missing from older n8n releases,
 * so it is done here). Releases without task metadata are left alone.
 */
export function recordTokenUsage(this: IExecuteFunctions, inputTokens: number, outputTokens: number): void {
	if (typeof this.setMetadata !== 'function' || (inputTokens === 0 && outputTokens === 0)) return;
	const previous = this.getExecuteData?.()?.metadata?.tokenUsage;
	this.setMetadata({
		tokenUsage: {
			inputTokens: (previous?.inputTokens ?? 0) + inputTokens,
			outputTokens: (previous?.outputTokens ?? 0) + outputTokens,
		},
	});
}
