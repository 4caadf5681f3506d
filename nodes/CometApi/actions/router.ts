import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as bria from './bria';
import * as flux from './flux';
import * as gemini from './gemini';
import * as image from './image';
import { asNodeError, errorJson, runFailure, settleFacts } from './item-errors';
import * as kling from './kling';
import * as midjourney from './midjourney';
import * as replicate from './replicate';
import { createRunContext, type OpenRun, type OperationExecute } from './run-context';

/** Every resource of the node (see README, Development) with its operations, by parameter value. */
interface Operation {
	execute: OperationExecute;
	/**
	 * The operation waits for tasks (see tasks/engine.ts): every item may be waiting at once, since
	 * a waiting item holds no slot; submissions are still bounded by the item slots and the limiter.
	 * Declared one way: the operation's module exports `waitsForTasks = true` beside its execute.
	 */
	waitsForTasks?: boolean;
}

const resources: Record<string, Record<string, Operation>> = {
	image: image.operations,
	gemini: gemini.operations,
	midjourney: midjourney.operations,
	flux: flux.operations,
	replicate: replicate.operations,
	kling: kling.operations,
	bria: bria.operations,
};

/**
 * The item loop. Dispatches by resource, then operation; makes the run context every item of the
 * run shares, and closes it when the run ends (its share of the account's limiter is given back).
 * Items run with bounded parallelism (Max Concurrent Requests; the transport adapts the number of
 * requests in flight to the API's 429s); outputs keep the input order and pairing.
 * With continueOnFail each failed item gives an error item (with the image URL when a download
 * failed); without it the first failure stops new items from starting, aborts the requests still
 * in flight and is the error the node throws, handing back the paid tasks the run did not output
 * (item-errors.ts). Every error says whether the item was billed.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}

	const run = await createRunContext.call(this);
	try {
		return await runItems.call(this, handler, run);
	} finally {
		run.close();
	}
}

async function runItems(
	this: IExecuteFunctions,
	operation: Operation,
	run: OpenRun,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const cancel = this.getExecutionCancelSignal();
	const { slots } = run;
	const results: Array<INodeExecutionData[] | undefined> = new Array(items.length);
	let nextIndex = 0;
	let firstError: NodeApiError | NodeOperationError | undefined;
	const stopped = () => firstError !== undefined || run.signal?.aborted === true;

	const worker = async () => {
		while (nextIndex < items.length && !stopped()) {
			const itemIndex = nextIndex++;
			await slots.enter(itemIndex);
			const item = run.forItem();
			try {
				// An item that waited for its slot does not start once the run has failed or was cancelled.
				if (stopped()) continue;
				const output = await operation.execute.call(this, itemIndex, item.context);
				results[itemIndex] = await run.spend.outputWithCost(itemIndex, output);
			} catch (error) {
				const nodeError = asNodeError(this, error, itemIndex);
				const facts = settleFacts(nodeError, itemIndex, run);
				// work billed (or maybe billed) carries its cost, on the error item and in the error's context
				const cost = await run.spend.failedItemCost(itemIndex, facts.billed);
				if (cost) nodeError.context.cost = cost;
				if (this.continueOnFail()) {
					const json = { ...errorJson(nodeError, itemIndex, facts), ...(cost ? { cost } : {}) };
					results[itemIndex] = [{ json, pairedItem: { item: itemIndex } }];
				} else if (!firstError) {
					// The first failure fails the node: the requests still in flight are aborted, not waited for.
					firstError = nodeError;
					run.stop();
				}
			} finally {
				item.done();
				slots.done(itemIndex);
			}
		}
	};
	const workers = operation.waitsForTasks ? items.length : Math.min(2 * run.maxConcurrency, items.length);
	await Promise.all(Array.from({ length: workers }, worker));

	if (firstError) throw runFailure(firstError, run, (itemIndex) => results[itemIndex] !== undefined);
	if (cancel?.aborted && results.some((result) => result === undefined)) {
		throw new NodeOperationError(this.getNode(), 'The execution was cancelled before all items were processed');
	}
	return [results.flatMap((result) => result ?? [])];
}
