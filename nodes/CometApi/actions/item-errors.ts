import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { describeFacts, factsOf, reasonOf, withFacts, type ErrorFacts } from '../transport';
import type { LedgerEntry } from './tasks';
import type { RunContext } from './run-context';

/*
 * How a failed item is reported (by the router): as an error item with continueOnFail, or as the
 * node's error without it. Every error says whether the item's work was billed and whether running
 * it again is safe; the error of a failed run hands back the paid tasks whose results it did not
 * output, and counts the paid requests it stopped.
 */

type NodeError = NodeApiError | NodeOperationError;

/** Keeps n8n's own errors as they are (with the item index); wraps anything else. */
export function asNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * The error's billing facts, completed from what the item did: once CometAPI accepted the item's
 * paid request (an image made, a task submitted), its work is billed and running it again is charged
 * again. Otherwise what the failure set holds (send.ts, task.ts); an error set by nobody is a check
 * of the input before anything was sent.
 */
export function settleFacts(error: NodeError, itemIndex: number, run: RunContext): ErrorFacts {
	const known = factsOf(error);
	const accepted = run.paid.get(itemIndex) === 'accepted';
	const status = error instanceof NodeApiError ? Number(error.httpCode) : NaN;
	const reason =
		known.reason ??
		(Number.isInteger(status)
			? reasonOf({ status, message: error.message, code: String(error.context.apiErrorCode ?? '') })
			: accepted
				? 'no_result'
				: 'invalid_request');
	// a paid request answered with a 2xx that held no acceptance (helpers/reply-error.ts)
	const refused = error.context.refusedInReply === true;
	const billed = accepted && !refused ? 'yes' : (known.billed ?? 'no');
	const facts: ErrorFacts = { billed, retrySafe: billed === 'no' && known.retrySafe !== false, reason };
	withFacts(error, facts);
	const sentence = describeFacts(facts);
	if (!error.description?.includes('Billed:')) error.description = [error.description, sentence].filter(Boolean).join(' ');
	return facts;
}

/** The error item continueOnFail outputs in place of a failed input item. */
export function errorJson(error: NodeError, itemIndex: number, facts: ErrorFacts): IDataObject {
	const httpCode = error instanceof NodeApiError ? error.httpCode : undefined;
	const apiCode = error.context.apiErrorCode;
	const { url } = error.context;
	const task = error.context.task as IDataObject | undefined;
	return {
		error: error.message,
		...(error.description ? { description: error.description } : {}),
		...(httpCode ? { httpCode } : {}),
		...(typeof apiCode === 'string' && apiCode ? { code: apiCode } : {}),
		...(typeof url === 'string' ? { url } : {}),
		...(task ?? {}),
		billed: facts.billed,
		retrySafe: facts.retrySafe,
		reason: facts.reason,
		itemIndex,
	};
}

/** How many unfinished tasks the description names one by one (all of them are in the context). */
const LISTED_TASKS = 50;

function describeTask(entry: LedgerEntry): string {
	return `${entry.provider} ${entry.taskId} (item ${entry.itemIndex}, ${[entry.status, entry.progress].filter(Boolean).join(' ')})`;
}

/**
 * The node's error when a run fails without continueOnFail: the first failure, with the paid work
 * the run stopped — the tasks it submitted whose results did not reach the output (by ID: Get Task
 * fetches them at no charge), and the paid requests still in flight when it stopped.
 */
export function runFailure(error: NodeError, run: RunContext, delivered: (itemIndex: number) => boolean): NodeError {
	const failedItem = Number(error.context.itemIndex);
	const tasks = run.tasks.undelivered(delivered);
	// the synchronous operations' requests sent by items other than the failed one, whose results were not output
	let inFlight = 0;
	for (const itemIndex of run.paid.keys()) {
		if (itemIndex !== failedItem && !delivered(itemIndex) && !run.tasks.hasTaskOf(itemIndex)) inFlight++;
	}
	const parts: string[] = [];
	if (tasks.length > 0) {
		const listed = tasks.slice(0, LISTED_TASKS).map(describeTask).join('; ');
		const more = tasks.length > LISTED_TASKS ? `; and ${tasks.length - LISTED_TASKS} more (all in the error's unfinishedTasks)` : '';
		parts.push(
			`This run submitted ${tasks.length} paid task${tasks.length === 1 ? '' : 's'} whose results it did not output: ${listed}${more}. ` +
				'They were not cancelled: fetch them with the Get Task operation of their family and these task IDs (no new charge) instead of running the items again.',
		);
	}
	if (inFlight > 0) {
		parts.push(
			`${inFlight} request${inFlight === 1 ? ' was' : 's were'} in flight and may have been billed; with On Error → Continue their results are kept.`,
		);
	}
	if (parts.length === 0) return error;
	error.description = [error.description, ...parts].filter(Boolean).join(' ');
	error.context.unfinishedTasks = tasks.map(({ taskId, provider, itemIndex, status, progress }) => ({
		taskId,
		family: provider,
		itemIndex,
		status,
		...(progress ? { progress } : {}),
	})) as unknown as JsonObject[];
	error.context.requestsInFlight = inFlight;
	return error;
}
