import type { TaskState } from './state';

/** A task this run submitted, as its last poll left it. */
export interface LedgerEntry {
	taskId: string;
	/** The task API's family, e.g. "Midjourney". */
	provider: string;
	/** The input item that submitted it. */
	itemIndex: number;
	/** The provider's last status word (SUBMITTED when never polled). */
	status: string;
	progress?: string;
	/** Whether it ended without a result: nothing to fetch. */
	failed: boolean;
}

/**
 * Every task a run submitted (each one billed): when the run fails, the tasks whose results did not
 * reach the output are handed back by ID, so they are fetched with Get Task (free) rather than paid
 * for again. What it holds per task is a few strings.
 */
export class TaskLedger {
	private readonly entries = new Map<string, LedgerEntry>();

	private static key(provider: string, taskId: string): string {
		return `${provider}\u0000${taskId}`;
	}

	submitted(itemIndex: number, provider: string, taskId: string): void {
		this.entries.set(TaskLedger.key(provider, taskId), { taskId, provider, itemIndex, status: 'SUBMITTED', failed: false });
	}

	/** Records a poll's reading of a task this run submitted (others are not recorded). */
	seen(provider: string, taskId: string, state: TaskState): void {
		const entry = this.entries.get(TaskLedger.key(provider, taskId));
		if (!entry) return;
		entry.status = state.status;
		entry.progress = state.progress;
		entry.failed = state.phase === 'failed';
	}

	/** Whether the item submitted a task in this run. */
	hasTaskOf(itemIndex: number): boolean {
		for (const entry of this.entries.values()) if (entry.itemIndex === itemIndex) return true;
		return false;
	}

	/** The tasks not failed whose item has no output (`delivered` says which items have one), in item order. */
	undelivered(delivered: (itemIndex: number) => boolean): LedgerEntry[] {
		return [...this.entries.values()]
			.filter((entry) => !entry.failed && !delivered(entry.itemIndex))
			.sort((a, b) => a.itemIndex - b.itemIndex);
	}
}
