/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- benchmark code, never shipped: it drives a real n8n and writes files */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

import * as n8nLib from '../../scripts/lib/n8n';
import { N8nInstance, NODE_TYPE, workflow, type CliExecution as Execution, type WorkflowNode } from '../e2e/n8n-instance';
import { API_KEY, startFakeCometApi, type FakeCometApi, type RecordedRequest } from '../helpers/fake-cometapi';
import { planFakeMidjourney, resetFakeMidjourney } from '../helpers/fake-midjourney';
import { makeNoisePng } from '../helpers/images';
import { executeMeasured, median, type RssSample } from './measure';

/*
 * S8, memory of waiting tasks: 50 Midjourney Blend items, each with five distinct 2 MB PNG inputs
 * (250 files, 500 MB in all), every task taking 20 s on the fake Midjourney, in a real n8n
 * (BENCH_N8N, default 2.8.4) run by `n8n execute` as S3 is. The node runs at its defaults (Options
 * empty: Poll Interval 2 s, Max Wait 10 min, Max Concurrent Requests 32), with On Error → Continue
 * so that a failed item is counted rather than ending the run.
 *
 * What a waiting task holds is what this measures: all 50 tasks wait at once, about 20 s, so
 * whatever an item keeps of its submission (five base64 data URIs, 13 MB) for as long as its task
 * runs is held 50 times over at the peak.
 *
 * Four workflows, each run S8_REPEATS times (default BENCH_REPEATS, else 3; the baseline and the
 * sources at least 5 times) in its own `n8n execute` process, whose peak resident set (VmHWM) is
 * sampled:
 *   baseline  n8n alone (Manual Trigger → No Op)
 *   sources   the inputs without the node: Read Files of the 250 PNGs → a Code node putting five
 *             of them on each of 50 items (binaries img0…img4)
 *   one item  the same on the first item's five inputs only: what the node costs whatever the
 *             item count (its code loaded, one task's submission and wait)
 *   S8        the sources → Blend (Image Fields img0,…,img4)
 * RSS growth is peak RSS above the baseline's median; the node's share is S8's growth less the
 * sources' median growth. Per S8 run: the Blend node's wall time (its own time in n8n's run data),
 * failed items, submissions, polls (GET /mj/task/{id}/fetch and POST /mj/task/list-by-condition), image downloads and the MB the fake
 * API received in submissions; and, from the resident set sampled every 20 ms, when the peak came
 * (during the submissions or while the tasks wait) and the lowest it went above the baseline
 * while every task waits (all accepted, none ended): what the waiting tasks hold is at most that,
 * the rest being garbage the collector had not given back by then. The median and the range of the runs are printed
 * and written to bench-results/s8.json, each run's timeline to bench-results/timelines/S8-<run>.tsv.
 * Printed, never asserted.
 *
 * Run it alone: `npx jest -c jest.bench.config.js blend-memory`, or `BENCH_ONLY=S8 npm run bench`
 * (bench.bench.ts and midjourney.bench.ts skip themselves when BENCH_ONLY names none of theirs).
 * S8_ITEMS, S8_INPUTS (2 to 5), S8_INPUT_MB and S8_TASK_MS change the load; BENCH_NODE_OPTIONS is
 * handed to the n8n process as in bench.bench.ts.
 */

const RELEASE = (process.env.E2E_N8N ?? '2.8.4').split(',')[0];
const ITEMS = Number(process.env.S8_ITEMS || 50);
const INPUTS = Number(process.env.S8_INPUTS || 5);
const INPUT_MB = Number(process.env.S8_INPUT_MB || 2);
const TASK_MS = Number(process.env.S8_TASK_MS || 20000);
const REPEATS = Number(process.env.S8_REPEATS || process.env.BENCH_REPEATS || 3);
/** n8n alone and the sources alone run at least five times: their peak moves by 30 MB from run to run, half the aim. */
const BASE_RUNS = Math.max(5, REPEATS);
const MB = 1024 * 1024;
const CREDENTIAL = { id: 'benchS8CometApi1', name: 'CometAPI (bench S8)' };
const IDS = { baseline: 'benchS8Baseline1', sources: 'benchS8Sources01', oneItem: 'benchS8OneItem01', blend: 'benchS8Blend0001' };
const FIELDS = Array.from({ length: INPUTS }, (_, i) => `img${i}`);

const only = (process.env.BENCH_ONLY ?? '').split(',').map((v) => v.trim()).filter(Boolean);
const selected = only.length === 0 || only.some((o) => o === 'S8' || o.startsWith('S8/'));

interface BlendRun {
	ok: boolean;
	/** The Blend node's own time in n8n's run data. */
	wallSeconds: number;
	/** From the first Midjourney request the fake API received to the last answer it sent. */
	apiSpanSeconds: number;
	peakRssMb: number;
	rssGrowthMb: number;
	/** rssGrowthMb less the sources' median growth. */
	nodeShareMb: number;
	failedItems: number;
	outputItems: number;
	submissions: number;
	polls: number;
	downloads: number;
	/** What the fake API received in submissions. */
	mbSubmitted: number;
	/** The most Midjourney requests the fake API was answering at once. */
	mostInFlight: number;
	/** From the first submission's arrival to the last one's answer (every task accepted). */
	submitSpanSeconds: number;
	/**
	 * The n8n process's lowest resident set (VmRSS) above the baseline while every task waits: from
	 * the last submission's answer to the first task image fetched (or, when a task ended before the
	 * last was accepted, to the last image fetched). What waiting tasks hold is at most this; the
	 * rest of it is garbage the collector had not given back by then.
	 */
	waitingRssGrowthMb: number;
	/** The window those samples come from, in seconds. */
	waitingWindowSeconds: number;
	/** When the resident set first came within 10 MB of its highest, in seconds from the first submission's arrival. */
	peakAtSeconds: number;
	/** When the Blend node started (n8n's run data), in seconds from the first submission's arrival. */
	blendStartSeconds: number;
	note?: string;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const range = (values: number[], digits: number) => `${fixed(Math.min(...values), digits)}–${fixed(Math.max(...values), digits)}`;

/** Each input a PNG of noise (incompressible) of about INPUT_MB, all distinct. */
function inputPng(index: number): Buffer {
	const width = 1024;
	const height = Math.max(1, Math.round((INPUT_MB * MB) / (4 * width)));
	return makeNoisePng(width, height, 1000 + index);
}

/** The inputs: every PNG in s8/ (or the first item's five: `in_00[0-4].png`), five per item. */
function sourceNodes(filesDir: string, files = '*.png'): WorkflowNode[] {
	return [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{
			name: 'Read Files',
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1,
			parameters: { operation: 'read', fileSelector: `${filesDir}/s8/${files}`, options: {} },
		},
		{
			name: 'Five Per Item',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: {
				jsCode:
					`const files = $input.all();\nconst items = [];\n` +
					`for (let i = 0; i + ${INPUTS} <= files.length; i += ${INPUTS}) {\n` +
					`\tconst binary = {};\n\tfiles.slice(i, i + ${INPUTS}).forEach((file, j) => { binary['img' + j] = file.binary.data; });\n` +
					`\titems.push({ json: { item: i / ${INPUTS} }, binary });\n}\nreturn items;`,
			},
		},
	];
}

function blendNode(): WorkflowNode {
	return {
		name: 'Blend',
		type: NODE_TYPE,
		typeVersion: 1,
		onError: 'continueRegularOutput',
		credentials: { cometApi: CREDENTIAL },
		parameters: { resource: 'midjourney', operation: 'blend', blendImages: FIELDS.join(','), options: {} },
	};
}

type RunTask = { startTime?: number; executionTime?: number; data?: { main: Array<Array<{ json: Record<string, unknown> }>> } };

function readRun(
	execution: Execution,
	peakRssMb: number,
	timeline: RssSample[],
	baselineMb: number,
	sourcesMb: number,
	requests: RecordedRequest[],
): BlendRun {
	const runData = (execution.result?.data.resultData.runData ?? {}) as unknown as Record<string, RunTask[]>;
	const task = runData.Blend?.[0];
	const outputs = task?.data?.main?.[0] ?? [];
	const mj = requests.filter((r) => r.path.startsWith('/mj/'));
	const submits = mj.filter((r) => r.path.startsWith('/mj/submit/'));
	const first = Math.min(...mj.map((r) => r.receivedAt));
	const last = Math.max(...mj.map((r) => r.respondedAt ?? r.receivedAt));
	const submitStart = Math.min(...submits.map((r) => r.receivedAt));
	const accepted = Math.max(...submits.map((r) => r.respondedAt ?? r.receivedAt));
	const images = mj.filter((r) => r.method === 'GET' && r.path.startsWith('/mj/image/')).map((r) => r.receivedAt);
	const firstImage = Math.min(...images);
	const windowEnd = firstImage > accepted ? firstImage : Math.max(...images);
	const waiting = timeline.filter((sample) => sample.at >= accepted && sample.at <= windowEnd).map((sample) => sample.rssMb);
	const top = Math.max(...timeline.map((sample) => sample.rssMb));
	const highest = timeline.find((sample) => sample.rssMb >= top - 10);
	const failedItems = outputs.filter((item) => item.json.error !== undefined).length + Math.max(0, ITEMS - outputs.length);
	const ok = execution.exitCode === 0 && task !== undefined;
	const error = execution.result?.data.resultData.error?.message;
	const firstError = outputs.find((item) => item.json.error !== undefined)?.json.error;
	return {
		ok,
		wallSeconds: task ? (task.executionTime ?? NaN) / 1000 : NaN,
		apiSpanSeconds: mj.length > 0 ? (last - first) / 1000 : NaN,
		peakRssMb,
		rssGrowthMb: peakRssMb - baselineMb,
		nodeShareMb: peakRssMb - baselineMb - sourcesMb,
		failedItems,
		outputItems: outputs.length,
		submissions: submits.length,
		polls: mj.filter((r) => (r.method === 'GET' && r.path.endsWith('/fetch')) || (r.method === 'POST' && r.path.endsWith('/list-by-condition'))).length,
		downloads: mj.filter((r) => r.method === 'GET' && r.path.startsWith('/mj/image/')).length,
		mbSubmitted: submits.reduce((sum, r) => sum + r.body.length, 0) / MB,
		mostInFlight: Math.max(0, ...mj.map((r) => r.inFlightOnArrival ?? 0)),
		submitSpanSeconds: (accepted - submitStart) / 1000,
		waitingRssGrowthMb: waiting.length > 0 ? Math.min(...waiting) - baselineMb : NaN,
		waitingWindowSeconds: Math.max(0, windowEnd - accepted) / 1000,
		peakAtSeconds: highest ? (highest.at - submitStart) / 1000 : NaN,
		blendStartSeconds: task?.startTime !== undefined ? (task.startTime - submitStart) / 1000 : NaN,
		...(ok && failedItems === 0
			? {}
			: { note: error ? `exit ${execution.exitCode}: ${error.slice(0, 160)}` : firstError ? JSON.stringify(firstError).slice(0, 160) : `exit ${execution.exitCode}` }),
	};
}

/** The run's resident set and Midjourney requests (ms from the first sample), in bench-results/timelines/, for looking into a figure. */
function writeTimeline(run: number, timeline: RssSample[], requests: RecordedRequest[]): void {
	const start = timeline[0]?.at ?? 0;
	const rows = [
		...timeline.map((sample) => [sample.at - start, 'rss', fixed(sample.rssMb, 1)]),
		...requests.filter((r) => r.path.startsWith('/mj/')).map((r) => [r.receivedAt - start, `${r.method} ${r.path.replace(/\/\d{10,}(?=\/|$)/, '/{id}')}`, (r.respondedAt ?? NaN) - start]),
	].sort((a, b) => Number(a[0]) - Number(b[0]));
	const folder = join(n8nLib.ROOT, 'bench-results', 'timelines');
	mkdirSync(folder, { recursive: true });
	writeFileSync(join(folder, `S8-${run}.tsv`), `ms\twhat\tMB or answered ms\n${rows.map((row) => row.join('\t')).join('\n')}\n`);
}

(selected ? describe : describe.skip)(`S8: Blend tasks waiting with their inputs, in real n8n ${RELEASE}`, () => {
	let api: FakeCometApi;
	let n8n: N8nInstance;

	beforeAll(async () => {
		api = await startFakeCometApi();
		n8n = await N8nInstance.create(RELEASE);
	}, 600000);

	afterAll(async () => {
		resetFakeMidjourney();
		await api?.close();
		await n8n?.cleanUp();
	});

	it('reports the peak RSS growth of 50 Blend items of five 2 MB inputs waiting on 20 s tasks', async () => {
		// The inputs, in the only folder n8n's file nodes may read: distinct noise, so no two are alike.
		mkdirSync(join(n8n.filesDir, 's8'), { recursive: true });
		let inputBytes = 0;
		for (let i = 0; i < ITEMS * INPUTS; i++) {
			const png = inputPng(i);
			inputBytes += png.length;
			writeFileSync(join(n8n.filesDir, 's8', `in_${String(i).padStart(3, '0')}.png`), png);
		}

		await n8n.importCredentials([{ ...CREDENTIAL, type: 'cometApi', data: { apiKey: API_KEY, baseUrl: api.baseUrl } }]);
		await n8n.importWorkflows([
			workflow(IDS.baseline, 'Bench S8 baseline: n8n alone', [
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
				{ name: 'Nothing', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
			]),
			workflow(IDS.sources, 'Bench S8 sources: the inputs without the node', sourceNodes(n8n.filesDir)),
			workflow(IDS.oneItem, `Bench S8 one item: Blend on one item of ${INPUTS} inputs`, [...sourceNodes(n8n.filesDir, `in_00[0-${INPUTS - 1}].png`), blendNode()]),
			workflow(IDS.blend, `Bench S8: Blend on ${ITEMS} items of ${INPUTS} inputs`, [...sourceNodes(n8n.filesDir), blendNode()]),
		]);

		const baselines: number[] = [];
		for (let run = 0; run < BASE_RUNS; run++) baselines.push((await executeMeasured(n8n, IDS.baseline)).peakRssMb);
		const baselineMb = median(baselines);

		const sources: number[] = [];
		for (let run = 0; run < BASE_RUNS; run++) {
			const { execution, peakRssMb } = await executeMeasured(n8n, IDS.sources);
			const made = execution.result?.data.resultData.runData['Five Per Item']?.[0]?.data?.main?.[0]?.length ?? 0;
			if (execution.exitCode !== 0 || made !== ITEMS) throw new Error(`the sources made ${made} items (exit ${execution.exitCode}):\n${execution.stderr.slice(-2000)}`);
			sources.push(peakRssMb - baselineMb);
		}
		const sourcesMb = median(sources);

		const oneItem: number[] = [];
		for (let run = 0; run < REPEATS; run++) {
			api.reset();
			resetFakeMidjourney();
			planFakeMidjourney(() => ({ durationMs: TASK_MS }));
			const { execution, peakRssMb } = await executeMeasured(n8n, IDS.oneItem);
			const outputs = execution.result?.data.resultData.runData.Blend?.[0]?.data?.main?.[0] ?? [];
			if (execution.exitCode !== 0 || outputs.length !== 1 || outputs[0].json.error !== undefined) {
				throw new Error(`the one-item Blend failed (exit ${execution.exitCode}): ${JSON.stringify(outputs[0]?.json.error ?? execution.result?.data.resultData.error?.message)}`);
			}
			oneItem.push(peakRssMb - baselineMb);
		}

		const runs: BlendRun[] = [];
		for (let run = 0; run < REPEATS; run++) {
			api.reset();
			resetFakeMidjourney();
			planFakeMidjourney(() => ({ durationMs: TASK_MS }));
			const { execution, peakRssMb, rssTimeline } = await executeMeasured(n8n, IDS.blend);
			const row = readRun(execution, peakRssMb, rssTimeline, baselineMb, sourcesMb, api.requests);
			runs.push(row);
			writeTimeline(run + 1, rssTimeline, api.requests);
			n8nLib.log(
				`bench S8 run ${run + 1}: ${fixed(row.wallSeconds, 2)} s, RSS +${fixed(row.rssGrowthMb, 0)} MB (node ${fixed(row.nodeShareMb, 0)} MB), ` +
					`while waiting +${fixed(row.waitingRssGrowthMb, 0)} MB, peak ${fixed(row.peakAtSeconds, 1)} s after the first submission (all accepted at ${fixed(row.submitSpanSeconds, 1)} s), ` +
					`${row.submissions} submissions, ${row.polls} polls, ${row.failedItems} failed${row.note ? ` (${row.note})` : ''}`,
			);
			// the fake keeps every submission (13 MB each) until it is reset
			api.reset();
			resetFakeMidjourney();
		}

		const mid = (figure: (r: BlendRun) => number) => median(runs.map(figure));
		const spread = (figure: (r: BlendRun) => number, digits: number) => range(runs.map(figure), digits);
		const header = [
			'run', 'Blend wall s', 'peak RSS MB', 'RSS growth MB', "node's share MB", 'Blend started at s', 'peak at s', 'all accepted at s', 'lowest RSS growth while all wait MB (window s)',
			'failed items', 'submissions', 'polls', 'downloads', 'MB submitted',
		];
		const line = (label: string, r: BlendRun) => [
			label,
			fixed(r.wallSeconds, 2),
			fixed(r.peakRssMb, 0),
			fixed(r.rssGrowthMb, 0),
			fixed(r.nodeShareMb, 0),
			fixed(r.blendStartSeconds, 1),
			fixed(r.peakAtSeconds, 1),
			fixed(r.submitSpanSeconds, 1),
			`${fixed(r.waitingRssGrowthMb, 0)} (${fixed(r.waitingWindowSeconds, 1)})`,
			String(r.failedItems) + (r.note ? ` (${r.note})` : ''),
			String(r.submissions),
			String(r.polls),
			String(r.downloads),
			fixed(r.mbSubmitted, 0),
		];
		const table = [
			`| ${header.join(' | ')} |`,
			`|${header.map(() => '---').join('|')}|`,
			...runs.map((r, i) => `| ${line(String(i + 1), r).join(' | ')} |`),
		].join('\n');
		const times = '(times in seconds from the first submission)';
		const summary = [
			`S8: ${ITEMS} Blend items × ${INPUTS} inputs of ${fixed(inputBytes / (ITEMS * INPUTS) / MB, 1)} MB (${fixed(inputBytes / MB, 0)} MB in all), tasks of ${TASK_MS / 1000} s, node defaults, ${runs.length} runs:`,
			`  peak RSS ${fixed(mid((r) => r.peakRssMb), 0)} MB (${spread((r) => r.peakRssMb, 0)}) against n8n alone ${fixed(baselineMb, 0)} MB (${range(baselines, 0)}, ${baselines.length} runs): ` +
				`growth ${fixed(mid((r) => r.rssGrowthMb), 0)} MB (${spread((r) => r.rssGrowthMb, 0)}), of which the sources without the node ${fixed(sourcesMb, 0)} MB ` +
				`(${range(sources, 0)}, ${sources.length} runs), so the node's share ${fixed(mid((r) => r.nodeShareMb), 0)} MB (${spread((r) => r.nodeShareMb, 0)}) (aim: growth ≤ 60 MB)`,
			`  the same workflow on one item (the node loaded, one task) grew it by ${fixed(median(oneItem), 0)} MB (${range(oneItem, 0)})`,
			`  while every task waits (all accepted, none ended) the resident set stays at least ${fixed(mid((r) => r.waitingRssGrowthMb), 0)} MB above the baseline ` +
				`(${spread((r) => r.waitingRssGrowthMb, 0)}); ${times} the Blend node started at ${fixed(mid((r) => r.blendStartSeconds), 1)} (${spread((r) => r.blendStartSeconds, 1)}), ` +
				`the peak came at ${fixed(mid((r) => r.peakAtSeconds), 1)} (${spread((r) => r.peakAtSeconds, 1)}), every task accepted by ${fixed(mid((r) => r.submitSpanSeconds), 1)} (${spread((r) => r.submitSpanSeconds, 1)})`,
			`  Blend wall ${fixed(mid((r) => r.wallSeconds), 2)} s (${spread((r) => r.wallSeconds, 2)}), failed items ${Math.max(...runs.map((r) => r.failedItems))}, ` +
				`polls ${fixed(mid((r) => r.polls), 0)} (${spread((r) => r.polls, 0)}; ${fixed(mid((r) => r.polls) / ITEMS, 1)} per task), ` +
				`submissions ${fixed(mid((r) => r.submissions), 0)}, most Midjourney requests in flight ${Math.max(...runs.map((r) => r.mostInFlight))}`,
		];

		const report = {
			date: new Date().toISOString(),
			n8n: RELEASE,
			node: process.version,
			machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 1024 ** 3) },
			items: ITEMS,
			inputsPerItem: INPUTS,
			inputMb: inputBytes / MB,
			taskMs: TASK_MS,
			baselineRssMb: baselines,
			sourcesRssGrowthMb: sources,
			oneItemRssGrowthMb: oneItem,
			runs,
			median: {
				rssGrowthMb: mid((r) => r.rssGrowthMb),
				nodeShareMb: mid((r) => r.nodeShareMb),
				waitingRssGrowthMb: mid((r) => r.waitingRssGrowthMb),
				wallSeconds: mid((r) => r.wallSeconds),
				polls: mid((r) => r.polls),
			},
			summary,
		};
		const out = join(n8nLib.ROOT, 'bench-results');
		mkdirSync(out, { recursive: true });
		writeFileSync(join(out, 's8.json'), `${JSON.stringify(report, null, 2)}\n`);
		process.stdout.write(
			`\nBenchmark S8: real n8n ${RELEASE}, Node ${process.version}, baseline peak RSS ${fixed(baselineMb, 0)} MB (${range(baselines, 0)})\n\n` +
				`${table}\n\n${summary.join('\n')}\n\nWritten to bench-results/s8.json\n`,
		);

		// The benchmark itself must have worked (its figures are not asserted).
		expect(runs.every((r) => r.ok)).toBe(true);
	});
});
