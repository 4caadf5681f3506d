/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- benchmark code, never shipped: it reads /proc */
import { readdirSync, readFileSync } from 'node:fs';

import type { CliExecution as Execution, N8nInstance } from '../e2e/n8n-instance';

/*
 * How the benchmarks measure memory: the peak resident set of the `n8n execute` process that runs
 * one workflow (bench.bench.ts S1–S7, blend-memory.bench.ts S8).
 */

/** One look at the process's resident set: when (Date.now()) and how much (MB). */
export interface RssSample {
	at: number;
	rssMb: number;
}

/**
 * Samples the peak resident set (VmHWM) of the `n8n execute --id=<id>` process while it runs, and
 * its resident set (VmRSS) every 20 ms as a timeline.
 */
export function samplePeakRss(workflowId: string) {
	let pid: number | undefined;
	let peakKb = 0;
	const timeline: RssSample[] = [];
	const findPid = () => {
		for (const entry of readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			try {
				const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
				if (cmdline.includes('execute') && cmdline.includes(`--id=${workflowId}`)) return Number(entry);
			} catch {
				// the process ended while we looked
			}
		}
		return undefined;
	};
	const timer = setInterval(() => {
		pid ??= findPid();
		if (pid === undefined) return;
		try {
			const status = readFileSync(`/proc/${pid}/status`, 'utf8');
			const match = /VmHWM:\s+(\d+) kB/.exec(status);
			if (match) peakKb = Math.max(peakKb, Number(match[1]));
			const rss = /VmRSS:\s+(\d+) kB/.exec(status);
			if (rss) timeline.push({ at: Date.now(), rssMb: Number(rss[1]) / 1024 });
		} catch {
			// ended
		}
	}, 20);
	return {
		stop: () => {
			clearInterval(timer);
			return peakKb / 1024;
		},
		timeline: () => timeline,
	};
}

export async function executeMeasured(
	n8n: N8nInstance,
	workflowId: string,
): Promise<{ execution: Execution; peakRssMb: number; rssTimeline: RssSample[] }> {
	const sampler = samplePeakRss(workflowId);
	// BENCH_NODE_OPTIONS (e.g. --max-semi-space-size=64) is handed to the n8n process, for looking into a figure; an option that prints to stdout spoils the run data n8n prints there
	const nodeOptions = process.env.BENCH_NODE_OPTIONS;
	const execution = await n8n.executeCli(workflowId, nodeOptions ? { NODE_OPTIONS: nodeOptions } : {});
	return { execution, peakRssMb: sampler.stop(), rssTimeline: sampler.timeline() };
}

/** The middle value (the upper one of an even count). */
export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}
