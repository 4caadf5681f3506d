import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { accountOf, getPriceList, leaseLimiter } from '../transport';
import { ItemSlots } from './item-slots';
import { readMaxConcurrency, readMaxSpend } from './parameters';
import { RunSpend } from './spend';
import { TaskLedger, type TaskRun } from './tasks';

/**
 * One node run, as the router hands it to every operation and, through them, to the transport:
 * what the run's items share, and the settings read once for the whole run.
 */
export interface RunContext extends TaskRun {
	/** Max Concurrent Requests, read from the first item. */
	readonly maxConcurrency: number;
	/** Every task the run submitted, with its last known state (handed back when the run fails). */
	readonly tasks: TaskLedger;
	/** Where each item's paid request stands: sent (and not answered yet), or accepted by CometAPI. */
	readonly paid: ReadonlyMap<number, 'sent' | 'accepted'>;
	/** Which items may hold their inputs and requests now. */
	readonly slots: ItemSlots;
	/** What the run spends: each item's cost, and Max Spend per Run (spend.ts). */
	readonly spend: RunSpend;
	/** Aborts the run's requests and waits still going (`signal`): its first failure, without continueOnFail. */
	stop(): void;
}

/** The run as the router holds it: an item's own context, and the run's end. */
export interface OpenRun extends RunContext {
	/** The context one item runs in: the run's, with an abort signal of the item's own. */
	forItem(): { context: RunContext; done(): void };
	/** Gives back the run's share of its account's limiter. */
	close(): void;
}

/** An operation: one item in, its output items out. */
export type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
) => Promise<INodeExecutionData[]>;

/**
 * Aborts the run and every item's signal at once. Each item listens on a signal of its own: many
 * requests listening on one shared signal would pass Node's limit of 10 listeners
 * (MaxListenersExceededWarning).
 */
class AbortFanOut {
	private readonly run = new AbortController();

	private readonly items = new Set<AbortController>();

	get signal(): AbortSignal {
		return this.run.signal;
	}

	abort(): void {
		this.run.abort();
		for (const item of this.items) item.abort();
		this.items.clear();
	}

	child(): { signal: AbortSignal; release(): void } {
		const item = new AbortController();
		if (this.run.signal.aborted) item.abort();
		else this.items.add(item);
		return { signal: item.signal, release: () => this.items.delete(item) };
	}
}

export async function createRunContext(this: IExecuteFunctions): Promise<OpenRun> {
	const maxConcurrency = readMaxConcurrency.call(this);
	// Up to maxConcurrency items hold their inputs and requests at once; as many more may be storing
	// the images of a request already answered, so uploads never wait for that.
	const slots = new ItemSlots(maxConcurrency);
	// The run's abort: follows the execution's cancel signal, and stop() aborts it too.
	const abort = new AbortFanOut();
	const cancel = this.getExecutionCancelSignal();
	const onCancel = () => abort.abort();
	if (cancel?.aborted) abort.abort();
	else cancel?.addEventListener('abort', onCancel, { once: true });
	// Every run of this account in this process shares one limiter: Max Concurrent Requests is a per-account cap.
	const lease = leaseLimiter(await accountOf(this), maxConcurrency);
	const paid = new Map<number, 'sent' | 'accepted'>();
	// Prices are read (once per period per process) when the run first needs one.
	const spend = new RunSpend(readMaxSpend.call(this), async () => await getPriceList(this));
	const run: RunContext = {
		maxConcurrency,
		slots,
		tasks: new TaskLedger(),
		paid,
		spend,
		beforePaid: async (itemIndex, charge) => await spend.beforePaid(itemIndex, charge),
		limiter: lease.limiter,
		signal: abort.signal,
		stop: () => abort.abort(),
		requestAnswered: (itemIndex) => slots.requestAnswered(itemIndex),
		// once accepted, an item's work stays billed whatever it sends next
		paidRequest: (itemIndex, stage) => {
			if (paid.get(itemIndex) !== 'accepted') paid.set(itemIndex, stage);
		},
	};
	return {
		...run,
		forItem: () => {
			const own = abort.child();
			return { context: { ...run, signal: own.signal }, done: own.release };
		},
		close: () => {
			cancel?.removeEventListener('abort', onCancel);
			lease.release();
		},
	};
}
