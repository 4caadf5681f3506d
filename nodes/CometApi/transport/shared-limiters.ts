import { createHash } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

import { baseUrlsOf, CREDENTIAL_TYPE } from './base-url';
import { AdaptiveLimiter } from './limiter';

/*
 * One adaptive limiter per account and process: the node runs in progress in this n8n process
 * (main or worker) that use the same API key and Base URL share it, so together they keep to what
 * the account takes. An entry lives while a run uses it: the last run to end deletes it, so
 * thousands of executions leave nothing behind. When runs set different Max Concurrent Requests,
 * the lowest applies.
 */

interface Entry {
	limiter: AdaptiveLimiter;
	/** Max Concurrent Requests of each run using the limiter. */
	caps: number[];
}

const entries = new Map<string, Entry>();

/** A run's use of its account's limiter, ended by release(). */
export interface LimiterLease {
	readonly limiter: AdaptiveLimiter;
	release(): void;
}

/** How many accounts have a limiter in use in this process (tests check it returns to 0). */
export function sharedLimiterCount(): number {
	return entries.size;
}

/**
 * Who the requests count against: the Base URL and a digest of the API key (white space removed,
 * as the credential sends it), never the key itself. Undefined when the credential cannot be read:
 * the run's requests then report that themselves.
 */
export async function accountOf(context: IExecuteFunctions): Promise<string | undefined> {
	try {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE, 0);
		const key = String(credentials.apiKey ?? '').replace(/\s+/g, '');
		const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
		return `${baseUrlsOf(credentials.baseUrl).api} ${digest}`;
	} catch {
		return undefined;
	}
}

/** Joins the account's limiter (made on first use) with the run's cap; a run without an account gets its own. */
export function leaseLimiter(account: string | undefined, cap: number): LimiterLease {
	if (account === undefined) return { limiter: new AdaptiveLimiter(cap), release: () => {} };
	let entry = entries.get(account);
	if (!entry) {
		entry = { limiter: new AdaptiveLimiter(cap), caps: [] };
		entries.set(account, entry);
	}
	const joined = entry;
	joined.caps.push(cap);
	joined.limiter.setCap(Math.min(...joined.caps));
	let released = false;
	return {
		limiter: joined.limiter,
		release: () => {
			if (released) return;
			released = true;
			joined.caps.splice(joined.caps.indexOf(cap), 1);
			if (joined.caps.length > 0) joined.limiter.setCap(Math.min(...joined.caps));
			else if (entries.get(account) === joined) entries.delete(account);
		},
	};
}
