/**
 * Keeps at most `limit` requests to CometAPI in flight and adapts the limit to the API: a 429
 * halves it (never below 1) and remembers how many requests were in flight when the API pushed
 * back (less the refused one) as a ceiling; each success raises the limit by one, up to the
 * ceiling and the maximum. The ceiling itself rises by one after twice its size in successes
 * without a 429, so the node finds more room when the API has it without overrunning a
 * rate-limited account.
 */
export class AdaptiveLimiter {
	private limit: number;

	private ceiling: number;

	private active = 0;

	private successesSinceRateLimit = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(readonly max: number) {
		this.limit = max;
		this.ceiling = max;
	}

	get inFlight(): number {
		return this.active;
	}

	get currentLimit(): number {
		return this.limit;
	}

	/** Waits for a free slot; rejects when the signal aborts first. */
	async acquire(signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) throw new Error('aborted');
		if (this.active < this.limit && this.waiting.length === 0) {
			this.active += 1;
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const grant = () => {
				signal?.removeEventListener('abort', onAbort);
				this.active += 1;
				resolve();
			};
			const onAbort = () => {
				const index = this.waiting.indexOf(grant);
				if (index >= 0) this.waiting.splice(index, 1);
				reject(new Error('aborted'));
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.waiting.push(grant);
		});
	}

	/** Frees the slot and adapts the limit to how the request went. */
	release(outcome: 'success' | 'rateLimited' | 'failed'): void {
		if (outcome === 'rateLimited') {
			// This request was refused with `active` in flight (itself included): the API takes fewer.
			this.ceiling = Math.max(1, Math.min(this.ceiling, this.active - 1));
			this.limit = Math.max(1, Math.floor(this.limit / 2));
			this.successesSinceRateLimit = 0;
		} else if (outcome === 'success') {
			this.successesSinceRateLimit += 1;
			if (this.ceiling < this.max && this.successesSinceRateLimit >= 2 * this.ceiling) {
				this.ceiling += 1;
				this.successesSinceRateLimit = 0;
			}
			this.limit = Math.min(this.max, this.ceiling, this.limit + 1);
		}
		this.active -= 1;
		this.drain();
	}

	private drain(): void {
		while (this.active < this.limit && this.waiting.length > 0) {
			this.waiting.shift()!();
		}
	}
}
