/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code: n8n's HTTP client */
import axios from 'axios';

/**
 * When the node sends requests: the times n8n hands the requests whose path `matches` to its HTTP
 * client (axios, in every n8n release this project runs on). The fakes share the test's event loop:
 * when the machine is busy they read requests late and in bunches, so their arrival times do not
 * show how the node spaced its requests. `stop()` ends the recording.
 */
export function recordSends(matches: (path: string) => boolean): { times: number[]; stop: () => void } {
	const times: number[] = [];
	const interceptor = axios.interceptors.request.use((config) => {
		if (matches(new URL(String(config.url)).pathname)) times.push(Date.now());
		return config;
	});
	return { times, stop: () => axios.interceptors.request.eject(interceptor) };
}

/** The most of these times within any one second (a sliding window). */
export function busiestSecond(times: number[]): number {
	return Math.max(0, ...times.map((at) => times.filter((other) => other >= at && other < at + 1000).length));
}
