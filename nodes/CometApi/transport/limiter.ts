/**
 * Keeps at most `limit` requests to CometAPI in flight and adapts the limit to the API. It starts
 * at the cap (Max Concurrent Requests): a burst goes out as fast as the API takes it. A 429 sets
 * the limit to how many of the other requests are still in flight when the refusal comes back
 * (never below 1): the refusals of a burst come back at once, the requests the API took stay in
 * flight, so after the last refusal the limit is what the API took, learned in one step, with no
 * halving that would leave the API idle while the limit climbs back. (Counting what was in flight
 * when the refused request was sent is not enough: the requests of a burst arrive in any order, and
 * one sent 4th may be refused while one sent 5th was taken.) While enough requests wait for a slot
 * to fill two more rounds, the limit rises by one after twice its size in successes without a 429,
 * up to the cap, so the node finds room the API gives back without overrunning a rate-limited
 * account by more than one request. Near the end of a batch it does not try: a refused try waits
 * out its Retry-After, longer than the round it could save.
 *
 * One limiter serves every run of one account in the process (see shared-limiters.ts); the cap is
 * set by the runs that use it.
 */
export class AdaptiveLimiter {
	private cap: number;

	/** What the API was seen to take; unknown (the cap applies) until its first 429. */
	private learned = Infinity;

	private active = 0;

	private successesSinceRateLimit = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(cap: number) {
		this.cap = Math.max(1, Math.floor(cap));
	}

	get inFlight(): number {
		return this.active;
	}

	get currentLimit(): number {
		return Math.min(this.cap, this.learned);
	}

	get queued(): number {
		return this.waiting.length;
	}

	/** A new cap (Max Concurrent Requests of the runs using the limiter); what was learned stays. */
	setCap(cap: number): void {
		this.cap = Math.max(1, Math.floor(cap));
		this.drain();
	}

	/** Waits for a free slot; rejects when the signal aborts first. */
	async acquire(signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) throw new Error('aborted');
		if (this.active < this.currentLimit && this.waiting.length === 0) {
			this.active += 1;
			return;
		}
		return await new Promise<void>((resolve, reject) => {
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
			// The others still in flight: the API has taken them (or will refuse them too, and lower this again).
			this.learned = Math.max(1, Math.min(this.currentLimit, this.active - 1));
			this.successesSinceRateLimit = 0;
		} else if (outcome === 'success' && this.learned < this.cap && this.waiting.length >= 2 * this.learned) {
			this.successesSinceRateLimit += 1;
			if (this.successesSinceRateLimit >= 2 * this.learned) {
				this.learned += 1;
				this.successesSinceRateLimit = 0;
			}
		}
		this.active -= 1;
		this.drain();
	}

	private drain(): void {
		while (this.active < this.currentLimit && this.waiting.length > 0) {
			this.waiting.shift()!();
		}
	}
}
