/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code: it watches the limiter on a timer */
import type { IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_MAX_CONCURRENCY } from '../../nodes/CometApi/actions/common.description';
import { accountOf, leaseLimiter } from '../../nodes/CometApi/transport';
import { API_KEY, type FakeCometApi, type RecordedRequest } from './fake-cometapi';

/*
 * Checks for rate-limited runs that hold on a busy machine: they look at which request is which and
 * at the limiter's own count, never at how many 429s the timing happened to produce.
 */

/**
 * The requests after the first burst: all but the first try of items 0 … firstBurst − 1. Items are
 * told by the number in their prompt ("kite 3"), not by arrival order: on a busy machine a request
 * sent after the first answers can arrive before the last of the burst.
 */
export function afterFirstBurst(requests: RecordedRequest[], firstBurst: number): RecordedRequest[] {
	const tried = new Set<number>();
	return requests.filter((request) => {
		const item = Number(/kite (\d+)/.exec(request.body.toString('utf8'))?.[1]);
		const firstTry = !tried.has(item);
		tried.add(item);
		return !(firstTry && item < firstBurst);
	});
}

/** The most requests the API was answering at once when one of these arrived. */
export function mostInFlightOnArrival(requests: RecordedRequest[]): number {
	return Math.max(0, ...requests.map((request) => request.inFlightOnArrival ?? 0));
}

/**
 * Runs `run` while watching the fake API's account limiter (the one the node's runs share, joined
 * here with the default cap) every millisecond. openBeyondLimiter is the most replies the API had
 * open beyond what the limiter counted in flight: 0 when every request, a streamed body to its
 * end, holds a slot of that one limiter. lowestLimit is the lowest limit the limiter had learned.
 */
export async function watchingAccountLimiter<T>(api: FakeCometApi, run: () => Promise<T>): Promise<{ result: T; openBeyondLimiter: number; lowestLimit: number }> {
	const credentials = { apiKey: API_KEY, baseUrl: api.baseUrl };
	const account = await accountOf({ getCredentials: async () => credentials } as unknown as IExecuteFunctions);
	const lease = leaseLimiter(account, DEFAULT_MAX_CONCURRENCY);
	let openBeyondLimiter = 0;
	let lowestLimit = Infinity;
	const timer = setInterval(() => {
		openBeyondLimiter = Math.max(openBeyondLimiter, api.inFlight() - lease.limiter.inFlight);
		lowestLimit = Math.min(lowestLimit, lease.limiter.currentLimit);
	}, 1);
	try {
		const result = await run();
		return { result, openBeyondLimiter, lowestLimit };
	} finally {
		clearInterval(timer);
		lease.release();
	}
}
