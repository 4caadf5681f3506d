import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { AdaptiveLimiter, type RequestRun } from '../transport';
import { ItemSlots } from './item-slots';
import { readMaxConcurrency } from './parameters';

/**
 * One node run, as the router hands it to every operation and, through them, to the transport:
 * what the run's items share, and the settings read once for the whole run.
 */
export interface RunContext extends RequestRun {
	/** Max Concurrent Requests, read from the first item. */
	readonly maxConcurrency: number;
	/** Which items may hold their inputs and requests now. */
	readonly slots: ItemSlots;
	/** Aborts the run's requests and waits still going (`signal`): its first failure, without continueOnFail. */
	stop(): void;
}

/** An operation: one item in, its output items out. */
export type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
) => Promise<INodeExecutionData[]>;

export function createRunContext(this: IExecuteFunctions): RunContext {
	const maxConcurrency = readMaxConcurrency.call(this);
	// Up to maxConcurrency items hold their inputs and requests at once; as many more may be storing
	// the images of a request already answered, so uploads never wait for that.
	const slots = new ItemSlots(maxConcurrency);
	// The run's own abort signal: follows the execution's cancel signal, and stop() aborts it too.
	const controller = new AbortController();
	const cancel = this.getExecutionCancelSignal();
	if (cancel?.aborted) controller.abort();
	else cancel?.addEventListener('abort', () => controller.abort(), { once: true });
	return {
		maxConcurrency,
		slots,
		limiter: new AdaptiveLimiter(maxConcurrency),
		signal: controller.signal,
		stop: () => controller.abort(),
		requestAnswered: (itemIndex) => slots.requestAnswered(itemIndex),
	};
}
