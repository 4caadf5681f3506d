/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- benchmark code, never shipped: it drives a real n8n and reads /proc */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

import { sleep } from 'n8n-workflow';

import * as n8nLib from '../../scripts/lib/n8n';
import { N8nInstance, NODE_TYPE, workflow, type CliExecution as Execution, type WorkflowNode } from '../e2e/n8n-instance';
import { API_KEY, errorReply, startFakeCometApi, type FakeCometApi, type Override, type RecordedRequest } from '../helpers/fake-cometapi';
import { makeNoisePng } from '../helpers/images';
import { executeMeasured, median, type RssSample } from './measure';
import { measureQueueMode, queueTable, type QueueRow } from './queue-scenario';

/*
 * npm run bench: the same scenarios through every contender, in one real n8n (the e2e install of
 * BENCH_N8N, default 2.8.4), against one fake CometAPI on loopback with a fixed latency.
 *
 *   S1  N items, Edit Image, one 1 MB PNG each
 *   S2  N items, Generate Image
 *   S3  one Edit Image of 16 × 4 MB inputs returning n=4 images of 4 MB (memory)
 *   S4  S1 against an API that admits at most 4 requests in flight and answers 429 (Retry-After: 1) beyond
 *   S5  three executions at once × 20 items (Generate Image) in one running n8n (webhook-triggered),
 *       against an API admitting 8: they share one limiter per account
 *   S6  queue mode (Redis, PostgreSQL, a main instance, two workers): 4 executions × 25 items of
 *       Generate → Edit → Chat Image at once, against an API admitting 8 (queue-scenario.ts)
 *   S7  200 items, Generate Image, against an API admitting 3, at 300 ms latency
 *   (S8, Blend tasks waiting with their inputs, is in blend-memory.bench.ts; S9 and S10, many
 *   tasks waiting in one run, in many-tasks.bench.ts; the Midjourney wall times in midjourney.bench.ts)
 *
 * Contenders: this node at default settings; this node with Max Concurrent Requests 1 (and, in S4,
 * with the API's limit of 4 set in advance: what learning it from 429s is measured against); n8n's
 * OpenAI node (v2, its credential's base URL pointed at the fake API); the HTTP Request node doing
 * the request as public templates do (HTTP Request → Split Out → Convert to File).
 * Timings are printed and written to bench-results/, never asserted.
 */

const RELEASE = (process.env.E2E_N8N ?? '2.8.4').split(',')[0];
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS || 1000);
const ITEMS = Number(process.env.BENCH_ITEMS || 20);
const MB = 1024 * 1024;
const RATE_LIMIT = 4;
/**
 * How many times the scenarios whose figure varies most from run to run are run, the median kept:
 * S3 and the baselines (peak RSS moves by tens of MB with the garbage collector's timing), S4
 * (when a burst's refusals and retries meet the API's free slots).
 */
const REPEATS = Number(process.env.BENCH_REPEATS || 3);

type ScenarioId = 'S1' | 'S2' | 'S3' | 'S4' | 'S5' | 'S7';
type ContenderId = 'cometapi' | 'cometapi-c1' | 'cometapi-known' | 'openai' | 'http';

interface Scenario {
	id: ScenarioId;
	title: string;
	operation: 'edit' | 'generate';
	items: number;
	/** Images per request the fake API returns, and their size. */
	outputs: number;
	outputImage: Buffer;
	/** Input binaries per item (edit only) and their total bytes. */
	inputsPerItem: number;
	inputBytes: number;
	/** Requests the fake API admits at once (429 beyond), if limited. */
	admit?: number;
	/** The fake API's latency, when not BENCH_LATENCY_MS. */
	latencyMs?: number;
	/** Executions started at once in one running n8n (through a webhook), when more than one. */
	executions?: number;
	/** Who runs it, when not every contender. */
	contenders?: ContenderId[];
	/** Runs per contender, and the figure whose median run is kept. */
	repeat?: { runs: number; by: 'rssGrowthMb' | 'wallSeconds' };
}

interface Contender {
	id: ContenderId;
	title: string;
	/** How many requests it keeps in flight by design. */
	concurrency: (items: number) => number;
	/** The only scenarios it runs in (default: every one that does not name its contenders). */
	only?: ScenarioId[];
}

interface Row {
	scenario: ScenarioId;
	contender: ContenderId;
	ok: boolean;
	wallSeconds: number;
	limitSeconds: number;
	ratioToLimit: number;
	overheadMsPerRequest: number;
	peakRssMb: number;
	rssGrowthMb: number;
	requests: number;
	mbReceived: number;
	failedItems: number;
	/** Requests the fake API refused with 429. */
	rateLimited: number;
	/** From the node's start to the first request's arrival, and from the last answer to the node's end. */
	beforeFirstRequestMs: number;
	afterLastAnswerMs: number;
	/** When the scenario ran more than once: how many times, and the lowest and highest wall time and RSS growth. */
	runs?: number;
	wallRangeSeconds?: [number, number];
	rssGrowthRangeMb?: [number, number];
	note?: string;
}

const CONTENDERS: Contender[] = [
	{ id: 'cometapi', title: 'this node (defaults)', concurrency: (n) => Math.min(32, n) },
	{ id: 'cometapi-c1', title: 'this node, Max Concurrent Requests 1', concurrency: () => 1 },
	// S4 only: the API's limit set in advance, so no 429 is ever met; the yardstick for learning it
	{ id: 'cometapi-known', title: `this node, Max Concurrent Requests ${RATE_LIMIT} (the limit known)`, concurrency: () => RATE_LIMIT, only: ['S4'] },
	{ id: 'openai', title: "n8n's OpenAI node v2", concurrency: () => 1 },
	{ id: 'http', title: 'HTTP Request recipe', concurrency: (n) => n },
];

const CREDENTIALS = {
	cometApi: { id: 'benchCometApi001', name: 'CometAPI (bench)' },
	openAiApi: { id: 'benchOpenAiApi01', name: 'OpenAI (bench, fake API)' },
};

const imageList = (count: number) => Array.from({ length: count }, (_, i) => `img${i}`);

function contenderNodes(scenario: Scenario, contender: ContenderId, baseUrl: string): WorkflowNode[] {
	const edit = scenario.operation === 'edit';
	const properties = scenario.inputsPerItem > 1 ? imageList(scenario.inputsPerItem) : ['data'];
	const onError = 'continueRegularOutput';
	if (contender === 'cometapi' || contender === 'cometapi-c1' || contender === 'cometapi-known') {
		const options: Record<string, unknown> = {};
		if (scenario.outputs > 1) options.n = scenario.outputs;
		if (contender === 'cometapi-c1') options.maxConcurrency = 1;
		if (contender === 'cometapi-known') options.maxConcurrency = RATE_LIMIT;
		return [
			{
				name: 'Contender',
				type: NODE_TYPE,
				typeVersion: 1,
				onError,
				credentials: { cometApi: CREDENTIALS.cometApi },
				parameters: edit
					? { resource: 'image', operation: 'edit', prompt: 'add a red hat', imageProperties: properties.join(','), options }
					: { resource: 'image', operation: 'generate', prompt: '={{ $json.prompt }}', options },
			},
		];
	}
	if (contender === 'openai') {
		return [
			{
				name: 'Contender',
				type: '@n8n/n8n-nodes-langchain.openAi',
				typeVersion: 2.1,
				onError,
				credentials: { openAiApi: CREDENTIALS.openAiApi },
				parameters: edit
					? {
							resource: 'image',
							operation: 'edit',
							model: 'gpt-image-1',
							prompt: 'add a red hat',
							images: { values: properties.map((binaryPropertyName) => ({ binaryPropertyName })) },
							n: scenario.outputs,
						}
					: { resource: 'image', operation: 'generate', model: 'gpt-image-1', prompt: '={{ $json.prompt }}', options: {} },
			},
		];
	}
	const auth = { sendHeaders: true, headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${API_KEY}` }] } };
	const request: WorkflowNode = {
		name: 'Contender',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		onError,
		parameters: edit
			? {
					method: 'POST',
					url: `${baseUrl}/images/edits`,
					...auth,
					sendBody: true,
					contentType: 'multipart-form-data',
					bodyParameters: {
						parameters: [
							{ name: 'model', value: 'gpt-image-1' },
							{ name: 'prompt', value: 'add a red hat' },
							...(scenario.outputs > 1 ? [{ name: 'n', value: String(scenario.outputs) }] : []),
							...properties.map((inputDataFieldName) => ({
								parameterType: 'formBinaryData',
								name: properties.length > 1 ? 'image[]' : 'image',
								inputDataFieldName,
							})),
						],
					},
					options: {},
				}
			: {
					method: 'POST',
					url: `${baseUrl}/images/generations`,
					...auth,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ model: "gpt-image-1", prompt: $json.prompt }) }}',
					options: {},
				},
	};
	return [
		request,
		{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, onError, parameters: { fieldToSplitOut: 'data', options: {} } },
		{
			name: 'Convert to File',
			type: 'n8n-nodes-base.convertToFile',
			typeVersion: 1.1,
			onError,
			parameters: { operation: 'toBinary', sourceProperty: 'b64_json', options: {} },
		},
	];
}

function sourceNodes(scenario: Scenario, filesDir: string): WorkflowNode[] {
	const start: WorkflowNode = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} };
	if (scenario.operation === 'generate') {
		return [
			start,
			{
				name: 'Prompts',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: { jsCode: `return Array.from({ length: ${scenario.items} }, (_, i) => ({ json: { prompt: 'a lighthouse at dusk, variant ' + i } }));` },
			},
		];
	}
	const folder = scenario.inputsPerItem > 1 ? 's3' : 's1';
	const read: WorkflowNode = {
		name: 'Read Files',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'read', fileSelector: `${filesDir}/${folder}/*.png`, options: {} },
	};
	if (scenario.inputsPerItem === 1) return [start, read];
	return [
		start,
		read,
		{
			name: 'One Item',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: {
				jsCode: "const binary = {};\n$input.all().forEach((item, i) => { binary['img' + i] = item.binary.data; });\nreturn [{ json: {}, binary }];",
			},
		},
	];
}

const webhookPath = (scenario: Scenario) => `bench-${scenario.id.toLowerCase()}`;

/** A webhook that answers with every output item once the run is done, and the prompts it asks for. */
function webhookSourceNodes(scenario: Scenario): WorkflowNode[] {
	return [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path: webhookPath(scenario), responseMode: 'lastNode', responseData: 'allEntries', options: {} },
		},
		{
			name: 'Prompts',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: {
				jsCode: "const count = Number($input.first().json.body.items ?? 0);\nreturn Array.from({ length: count }, (_, i) => ({ json: { prompt: 'a lighthouse at dusk, variant ' + i } }));",
			},
		},
	];
}

/**
 * Every request of a run as the fake API saw it (ms from the first arrival: received, answered,
 * status, requests in flight on arrival), in bench-results/timelines/, for looking into a figure.
 */
function writeTimeline(name: string, requests: RecordedRequest[], rss: RssSample[]): void {
	const images = requests.filter((r) => r.path.startsWith('/v1/images/'));
	const first = Math.min(...images.map((r) => r.receivedAt));
	const lines = images.map((r) =>
		[r.receivedAt - first, (r.respondedAt ?? NaN) - first, r.status ?? '', r.inFlightOnArrival ?? ''].join('\t'),
	);
	const folder = join(n8nLib.ROOT, 'bench-results', 'timelines');
	mkdirSync(folder, { recursive: true });
	writeFileSync(join(folder, `${name}.tsv`), `received ms\tanswered ms\tstatus\tin flight on arrival\n${lines.join('\n')}\n`);
	// The process's resident set every 20 ms on the same clock: when a peak came against the requests.
	const samples = rss.map((sample) => `${sample.at - first}\t${sample.rssMb.toFixed(1)}`);
	writeFileSync(join(folder, `${name}.rss.tsv`), `ms\trss MB\n${samples.join('\n')}\n`);
}

/** The time within [start, end] that the fake API spent on requests (the union of their intervals). */
function busyMs(requests: RecordedRequest[], start: number, end: number): number {
	const spans = requests
		.map((r) => [Math.max(start, r.receivedAt), Math.min(end, r.respondedAt ?? end)] as const)
		.filter(([from, to]) => to > from)
		.sort((a, b) => a[0] - b[0]);
	let total = 0;
	let cursor = start;
	for (const [from, to] of spans) {
		if (to <= cursor) continue;
		total += to - Math.max(from, cursor);
		cursor = to;
	}
	return total;
}

type RunTask = { startTime?: number; executionTime?: number; data?: { main: Array<Array<{ json: Record<string, unknown> }>> } };

function measure(
	scenario: Scenario,
	contender: Contender,
	execution: Execution,
	peakRssMb: number,
	baselineRssMb: number,
	requests: RecordedRequest[],
): Row {
	const runData = (execution.result?.data.resultData.runData ?? {}) as unknown as Record<string, RunTask[]>;
	const names = contender.id === 'http' ? ['Contender', 'Split Out', 'Convert to File'] : ['Contender'];
	const tasks = names.map((name) => runData[name]?.[0]).filter((task): task is RunTask => task !== undefined);
	const start = Math.min(...tasks.map((t) => t.startTime ?? Infinity));
	const end = Math.max(...tasks.map((t) => (t.startTime ?? 0) + (t.executionTime ?? 0)));
	const wallMs = tasks.length > 0 && Number.isFinite(start) ? end - start : NaN;
	const outputs = runData.Contender?.[0]?.data?.main?.[0] ?? [];
	const failedItems = outputs.filter((item) => item.json.error !== undefined).length;
	const imageRequests = requests.filter((r) => r.path.startsWith('/v1/images/'));
	const concurrency = Math.min(contender.concurrency(scenario.items), scenario.admit ?? Infinity);
	const limitMs = (scenario.items * (scenario.latencyMs ?? LATENCY_MS)) / Math.max(1, Math.min(concurrency, scenario.items));
	return {
		scenario: scenario.id,
		contender: contender.id,
		ok: execution.exitCode === 0 && tasks.length === names.length,
		wallSeconds: wallMs / 1000,
		limitSeconds: limitMs / 1000,
		ratioToLimit: wallMs / limitMs,
		overheadMsPerRequest: imageRequests.length > 0 ? (wallMs - busyMs(imageRequests, start, end)) / imageRequests.length : NaN,
		peakRssMb,
		rssGrowthMb: peakRssMb - baselineRssMb,
		requests: imageRequests.length,
		mbReceived: imageRequests.reduce((sum, r) => sum + r.body.length, 0) / MB,
		failedItems,
		rateLimited: imageRequests.filter((r) => r.status === 429).length,
		beforeFirstRequestMs: Math.min(...imageRequests.map((r) => r.receivedAt)) - start,
		afterLastAnswerMs: end - Math.max(...imageRequests.map((r) => r.respondedAt ?? r.receivedAt)),
		...(execution.exitCode === 0 && tasks.length === names.length
			? {}
			: { note: failureNote(execution, runData, names) }),
	};
}

/** Why a run did not give figures: n8n's own error, or the node that did not run. */
function failureNote(execution: Execution, runData: Record<string, RunTask[]>, names: string[]): string {
	const error = execution.result?.data.resultData.error?.message;
	if (error) return `exit ${execution.exitCode}: ${error.slice(0, 120)}`;
	const missing = names.filter((name) => !runData[name]);
	if (!execution.result) return `exit ${execution.exitCode}: no run data printed (${execution.stdout.length} bytes of output)`;
	if (missing.length > 0) return `did not run: ${missing.join(', ')}`;
	return `exit ${execution.exitCode}: ${(execution.stderr || execution.stdout).trim().split('\n').slice(-3).join(' ').slice(0, 200)}`;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

function table(rows: Row[]): string {
	const header = ['scenario', 'contender', 'wall s', 'limit N·L/c s', 'ratio', 'overhead ms/req', 'peak RSS MB', 'RSS growth MB', 'requests', '429s', 'MB sent', 'failed items'];
	const lines = rows.map((r) => [
		r.scenario,
		CONTENDERS.find((c) => c.id === r.contender)!.title,
		r.wallRangeSeconds ? `${fixed(r.wallSeconds, 2)} (${fixed(r.wallRangeSeconds[0], 2)}–${fixed(r.wallRangeSeconds[1], 2)})` : fixed(r.wallSeconds, 2),
		fixed(r.limitSeconds, 2),
		fixed(r.ratioToLimit, 2),
		fixed(r.overheadMsPerRequest, 0),
		fixed(r.peakRssMb, 0),
		r.rssGrowthRangeMb ? `${fixed(r.rssGrowthMb, 0)} (${fixed(r.rssGrowthRangeMb[0], 0)}–${fixed(r.rssGrowthRangeMb[1], 0)})` : fixed(r.rssGrowthMb, 0),
		String(r.requests),
		String(r.rateLimited),
		fixed(r.mbReceived, 1),
		String(r.failedItems) + (r.ok ? '' : ` (${r.note ?? 'failed'})`),
	]);
	return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}

function summary(rows: Row[], scenarios: Scenario[]): string[] {
	const get = (s: ScenarioId, c: ContenderId) => rows.find((r) => r.scenario === s && r.contender === c);
	const lines: string[] = [];
	const s1 = get('S1', 'cometapi');
	const s1OpenAi = get('S1', 'openai');
	const s1Http = get('S1', 'http');
	if (s1 && s1OpenAi) lines.push(`S1: this node is ${fixed(s1OpenAi.wallSeconds / s1.wallSeconds, 1)}× faster than the OpenAI node (aim: ≥ 6×)`);
	if (s1 && s1Http) lines.push(`S1: this node takes ${fixed(s1.wallSeconds / s1Http.wallSeconds, 2)}× the HTTP Request burst (aim: ≤ 1.5×)`);
	const s4 = get('S4', 'cometapi');
	if (s4) {
		const runs = s4.wallRangeSeconds ? ` (median of ${s4.runs} runs, ${fixed(s4.wallRangeSeconds[0] / s4.limitSeconds, 2)}–${fixed(s4.wallRangeSeconds[1] / s4.limitSeconds, 2)}×)` : '';
		lines.push(`S4: this node: ${s4.failedItems} failed items, ${fixed(s4.ratioToLimit, 2)}× N·L/${RATE_LIMIT}${runs} (aim: 0 failed, ≤ 1.2×)`);
	}
	const s4Known = get('S4', 'cometapi-known');
	if (s4 && s4Known) {
		lines.push(
			`S4: learning the limit from 429s takes ${fixed(s4.wallSeconds / s4Known.wallSeconds, 2)}× the same run with the limit set in advance ` +
				`(${fixed(s4Known.wallSeconds, 2)} s, ${fixed(s4Known.ratioToLimit, 2)}× N·L/${RATE_LIMIT}: the rest is sending 1 MB and reading the reply per request)`,
		);
	}
	const s5 = get('S5', 'cometapi');
	if (s5) lines.push(`S5: three executions at once: ${s5.failedItems} failed items, ${fixed(s5.ratioToLimit, 2)}× 60·L/8, ${s5.rateLimited} × 429 (aim: 0 failed)`);
	const s7 = get('S7', 'cometapi');
	if (s7) lines.push(`S7: 200 items, API admitting 3: ${s7.failedItems} failed items, ${fixed(s7.ratioToLimit, 2)}× 200·L/3, ${s7.rateLimited} × 429 (aim: 0 failed)`);
	const s3 = get('S3', 'cometapi');
	const s3Scenario = scenarios.find((s) => s.id === 'S3');
	if (s3 && s3Scenario) {
		const payloadMb = (s3Scenario.inputBytes + s3Scenario.outputs * s3Scenario.outputImage.length) / MB;
		const range = s3.rssGrowthRangeMb ? ` (median of ${s3.runs} runs, ${fixed(s3.rssGrowthRangeMb[0], 0)}–${fixed(s3.rssGrowthRangeMb[1], 0)} MB)` : '';
		lines.push(
			`S3: this node's peak RSS grew ${fixed(s3.rssGrowthMb, 0)} MB${range} for ${fixed(payloadMb, 0)} MB of images in and out: ` +
				`${fixed(s3.rssGrowthMb / payloadMb, 2)}× (aim: ≤ ${fixed(payloadMb / 2, 0)} MB, half the payload)`,
		);
	}
	return lines;
}

// BENCH_ONLY naming none of S1–S7 (e.g. BENCH_ONLY=S8, blend-memory.bench.ts) skips this file.
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((v) => v.trim()).filter(Boolean);
const selectedHere = ONLY.length === 0 || ONLY.some((o) => /^S[1-7](\/|$)/.test(o));

(selectedHere ? describe : describe.skip)(`benchmark in real n8n ${RELEASE}`, () => {
	let api: FakeCometApi;
	let n8n: N8nInstance;

	beforeAll(async () => {
		api = await startFakeCometApi();
		n8n = await N8nInstance.create(RELEASE);
	});
	afterAll(async () => {
		await api?.close();
		await n8n?.cleanUp();
	});

	it('runs every scenario through every contender and reports the figures', async () => {
		const oneMb = makeNoisePng(512, 512, 7);
		const fourMb = makeNoisePng(1024, 1024, 9);
		const scenarios: Scenario[] = [
			{ id: 'S1', title: `${ITEMS} items, Edit Image, one 1 MB PNG each`, operation: 'edit', items: ITEMS, outputs: 1, outputImage: oneMb, inputsPerItem: 1, inputBytes: oneMb.length },
			{ id: 'S2', title: `${ITEMS} items, Generate Image`, operation: 'generate', items: ITEMS, outputs: 1, outputImage: oneMb, inputsPerItem: 0, inputBytes: 0 },
			{ id: 'S3', title: 'one Edit Image of 16 × 4 MB inputs, n=4 outputs of 4 MB', operation: 'edit', items: 1, outputs: 4, outputImage: fourMb, inputsPerItem: 16, inputBytes: 16 * fourMb.length, repeat: { runs: REPEATS, by: 'rssGrowthMb' } },
			{ id: 'S4', title: `S1 against an API admitting ${RATE_LIMIT} requests at once (429, Retry-After: 1 beyond)`, operation: 'edit', items: ITEMS, outputs: 1, outputImage: oneMb, inputsPerItem: 1, inputBytes: oneMb.length, admit: RATE_LIMIT, repeat: { runs: REPEATS, by: 'wallSeconds' } },
			{ id: 'S5', title: 'three executions at once × 20 items, Generate Image, in one running n8n, API admitting 8', operation: 'generate', items: 60, outputs: 1, outputImage: oneMb, inputsPerItem: 0, inputBytes: 0, admit: 8, executions: 3, contenders: ['cometapi'] },
			{ id: 'S7', title: '200 items, Generate Image, API admitting 3, latency 300 ms', operation: 'generate', items: 200, outputs: 1, outputImage: oneMb, inputsPerItem: 0, inputBytes: 0, admit: 3, latencyMs: 300, contenders: ['cometapi'] },
		];
		const runsIn = (scenario: Scenario) =>
			CONTENDERS.filter((c) => (scenario.contenders ? scenario.contenders.includes(c.id) : !c.only || c.only.includes(scenario.id)));

		// Input files, in the only folder n8n's file nodes may read.
		mkdirSync(join(n8n.filesDir, 's1'), { recursive: true });
		mkdirSync(join(n8n.filesDir, 's3'), { recursive: true });
		for (let i = 0; i < ITEMS; i++) writeFileSync(join(n8n.filesDir, 's1', `in_${String(i).padStart(2, '0')}.png`), makeNoisePng(512, 512, 100 + i));
		for (let i = 0; i < 16; i++) writeFileSync(join(n8n.filesDir, 's3', `in_${String(i).padStart(2, '0')}.png`), makeNoisePng(1024, 1024, 200 + i));

		await n8n.importCredentials([
			{ ...CREDENTIALS.cometApi, type: 'cometApi', data: { apiKey: API_KEY, baseUrl: api.baseUrl } },
			{ ...CREDENTIALS.openAiApi, type: 'openAiApi', data: { apiKey: API_KEY, url: api.baseUrl } },
		]);

		// The fake API for the image routes: fixed latency, real payloads, optionally a rate limit.
		let current: Scenario = scenarios[0];
		let admitted = 0;
		const benchApi: Override = async (request) => {
			if (!request.path.startsWith('/v1/images/')) return undefined;
			if (request.headers.authorization !== `Bearer ${API_KEY}`) return errorReply(401, 'Invalid token');
			if (current.admit !== undefined && admitted >= current.admit) {
				return { ...errorReply(429, 'Too many requests in flight for this key'), headers: { 'retry-after': '1' } };
			}
			admitted += 1;
			try {
				await sleep(current.latencyMs ?? LATENCY_MS);
			} finally {
				admitted -= 1;
			}
			const b64 = current.outputImage.toString('base64');
			return { json: { created: 1763700000, data: Array.from({ length: current.outputs }, () => ({ b64_json: b64 })), usage: { total_tokens: 4172 } } };
		};

		const ids = new Map<string, string>();
		const workflows = [
			workflow('benchBaseline001', 'Baseline: n8n alone', [
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
				{ name: 'Nothing', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
			]),
			workflow('benchS3Sources01', 'Baseline: S3 without a contender', sourceNodes(scenarios.find((s) => s.id === 'S3')!, n8n.filesDir)),
		];
		for (const scenario of scenarios) {
			for (const contender of runsIn(scenario)) {
				const id = `bench${scenario.id}${contender.id.replace(/[^a-z0-9]/gi, '')}`.padEnd(16, '0').slice(0, 16);
				ids.set(`${scenario.id}/${contender.id}`, id);
				const nodes = scenario.executions
					? [...webhookSourceNodes(scenario), ...contenderNodes(scenario, contender.id, api.baseUrl)]
					: [...sourceNodes(scenario, n8n.filesDir), ...contenderNodes(scenario, contender.id, api.baseUrl)];
				workflows.push(workflow(id, `Bench ${scenario.id}: ${contender.title}`, nodes));
			}
		}
		await n8n.importWorkflows(workflows);

		// BENCH_ONLY=S1/http,S3 runs a part of the matrix (for looking into one figure).
		const only = (process.env.BENCH_ONLY ?? '').split(',').map((v) => v.trim()).filter(Boolean);
		const baselines: number[] = [];
		for (let run = 0; run < REPEATS; run++) baselines.push((await executeMeasured(n8n, 'benchBaseline001')).peakRssMb);
		const baseline = { peakRssMb: median(baselines) };
		// What S3's own sources (Read Files of 16 × 4 MB, the Code node joining them) cost without any contender.
		const s3Sources: number[] = [];
		if (only.length === 0 || only.some((o) => o.startsWith('S3'))) {
			for (let run = 0; run < REPEATS; run++) s3Sources.push((await executeMeasured(n8n, 'benchS3Sources01')).peakRssMb - baseline.peakRssMb);
		}
		const rows: Row[] = [];
		const selected = (scenario: Scenario, contender: Contender) =>
			only.length === 0 || only.some((o) => o === scenario.id || o === `${scenario.id}/${contender.id}`);
		for (const scenario of scenarios) {
			for (const contender of runsIn(scenario)) {
				if (!selected(scenario, contender)) continue;
				current = scenario;
				api.reset();
				api.override(benchApi);
				rows.push(scenario.executions ? await runAtOnce(scenario, contender) : await runOne(scenario, contender));
			}
		}

		/** Starts the scenario's executions at once through the webhook of one running n8n; waits for their replies. */
		async function runAtOnce(scenario: Scenario, contender: Contender): Promise<Row> {
			const id = ids.get(`${scenario.id}/${contender.id}`)!;
			const published = await n8n.cli(['publish:workflow', `--id=${id}`]);
			if (published.exitCode !== 0) throw new Error(`publish:workflow failed:\n${published.stdout}\n${published.stderr}`);
			return await n8n.withServer(async (server) => {
				const url = `${server.url}/webhook/${webhookPath(scenario)}`;
				// n8n activates published workflows in the background after it starts listening
				for (let attempt = 0; attempt < 120 && (await fetch(url, { method: 'POST', body: '{"warmUp":true}', headers: { 'content-type': 'application/json' } })).status === 404; attempt++) {
					await sleep(250);
				}
				api.reset();
				api.override(benchApi);
				const perExecution = scenario.items / scenario.executions!;
				const start = Date.now();
				const replies = await Promise.all(
					Array.from({ length: scenario.executions! }, async () => {
						const response = await fetch(url, { method: 'POST', body: JSON.stringify({ items: perExecution }), headers: { 'content-type': 'application/json' } });
						return { status: response.status, items: (await response.json()) as Array<Record<string, unknown>> };
					}),
				);
				const wallMs = Date.now() - start;
				const requests = api.requests.filter((r) => r.path.startsWith('/v1/images/'));
				const items = replies.flatMap((reply) => (Array.isArray(reply.items) ? reply.items : []));
				const limitMs = (scenario.items * (scenario.latencyMs ?? LATENCY_MS)) / Math.min(scenario.admit ?? Infinity, contender.concurrency(scenario.items));
				const ok = replies.every((reply) => reply.status === 200) && items.length === scenario.items;
				const row: Row = {
					scenario: scenario.id,
					contender: contender.id,
					ok,
					wallSeconds: wallMs / 1000,
					limitSeconds: limitMs / 1000,
					ratioToLimit: wallMs / limitMs,
					overheadMsPerRequest: requests.length > 0 ? (wallMs - busyMs(requests, start, start + wallMs)) / requests.length : NaN,
					peakRssMb: NaN,
					rssGrowthMb: NaN,
					requests: requests.length,
					mbReceived: requests.reduce((sum, r) => sum + r.body.length, 0) / MB,
					failedItems: items.filter((item) => item.error !== undefined).length + (scenario.items - items.length),
					rateLimited: requests.filter((r) => r.status === 429).length,
					beforeFirstRequestMs: Math.min(...requests.map((r) => r.receivedAt)) - start,
					afterLastAnswerMs: start + wallMs - Math.max(...requests.map((r) => r.respondedAt ?? r.receivedAt)),
					...(ok ? {} : { note: `replies ${replies.map((reply) => reply.status).join(', ')}, ${items.length} items` }),
				};
				n8nLib.log(`bench ${scenario.id} ${contender.id}: ${fixed(row.wallSeconds, 2)} s, ${row.requests} requests, ${row.rateLimited} × 429, ${row.failedItems} failed`);
				return row;
			});
		}

		async function runOne(scenario: Scenario, contender: Contender): Promise<Row> {
			const runs: Row[] = [];
			for (let run = 0; run < (scenario.repeat?.runs ?? 1); run++) {
				api.reset();
				api.override(benchApi);
				// the run data (tens of MB when the HTTP recipe keeps the base64 in its JSON) comes whole:
				// `n8n execute` writes it to a file (N8nInstance.cli)
				const { execution, peakRssMb, rssTimeline } = await executeMeasured(n8n, ids.get(`${scenario.id}/${contender.id}`)!);
				const row = measure(scenario, contender, execution, peakRssMb, baseline.peakRssMb, [...api.requests]);
				writeTimeline(`${scenario.id}-${contender.id}-${run + 1}`, api.requests, rssTimeline);
				n8nLib.log(
					`bench ${scenario.id} ${contender.id}: ${fixed(row.wallSeconds, 2)} s, ${row.requests} requests, ${row.failedItems} failed, ` +
						`first request after ${fixed(row.beforeFirstRequestMs, 0)} ms, done ${fixed(row.afterLastAnswerMs, 0)} ms after the last answer, ` +
						`RSS +${fixed(row.rssGrowthMb, 0)} MB`,
				);
				runs.push(row);
			}
			if (runs.length === 1) return runs[0];
			// The median run by the scenario's figure, with the range of every run's wall time and memory.
			const by = scenario.repeat!.by;
			const sorted = [...runs].sort((a, b) => a[by] - b[by]);
			const range = (figure: (r: Row) => number): [number, number] => [Math.min(...runs.map(figure)), Math.max(...runs.map(figure))];
			return {
				...sorted[Math.floor(sorted.length / 2)],
				ok: runs.every((r) => r.ok),
				failedItems: Math.max(...runs.map((r) => r.failedItems)),
				runs: runs.length,
				wallRangeSeconds: range((r) => r.wallSeconds),
				rssGrowthRangeMb: range((r) => r.rssGrowthMb),
			};
		}

		// S6 runs this node only: the other contenders' figures would not differ from S4's story
		const queue: QueueRow | undefined = only.length === 0 || only.includes('S6') ? await measureQueueMode(RELEASE, api, LATENCY_MS) : undefined;
		const summaryLines = summary(rows, scenarios);
		if (s3Sources.length > 0) {
			summaryLines.push(
				`S3: the workflow without a contender (Read Files of 16 × 4 MB, the Code node joining them) grew it by ${fixed(median(s3Sources), 0)} MB ` +
					`(median of ${s3Sources.length} runs, ${fixed(Math.min(...s3Sources), 0)}–${fixed(Math.max(...s3Sources), 0)} MB)`,
			);
		}
		if (queue) {
			summaryLines.push(
				`S6: queue mode, ${queue.runs} executions × ${queue.items} items on 2 workers: ${queue.failedItems} failed items, ${queue.refused} answers 429, ` +
					`${fixed(queue.ratioToLimit, 2)}× the least time (aim: 0 failed)`,
			);
		}

		const report = {
			date: new Date().toISOString(),
			n8n: RELEASE,
			node: process.version,
			machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 1024 ** 3) },
			latencyMs: LATENCY_MS,
			items: ITEMS,
			baselineRssMb: baseline.peakRssMb,
			s3SourcesRssGrowthMb: s3Sources,
			scenarios: scenarios.map(({ id, title }) => ({ id, title })),
			contenders: CONTENDERS.map(({ id, title }) => ({ id, title })),
			rows,
			queue,
			summary: summaryLines,
		};
		const out = join(n8nLib.ROOT, 'bench-results');
		mkdirSync(out, { recursive: true });
		writeFileSync(join(out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
		process.stdout.write(
			`\nBenchmark: real n8n ${RELEASE}, Node ${process.version}, fake CometAPI latency ${LATENCY_MS} ms, ${ITEMS} items (baseline peak RSS ${fixed(baseline.peakRssMb, 0)} MB)\n\n` +
				`${table(rows)}\n\n${queue ? `${queueTable(queue)}\n\n` : ''}${report.summary.join('\n')}\n\nWritten to bench-results/latest.json\n`,
		);

		// The benchmark itself must have worked: every contender ran every scenario.
		expect(rows.length + (queue ? 1 : 0)).toBeGreaterThan(0);
		if (queue) expect(queue.ok).toBe(true);
		if (only.length === 0) expect(rows).toHaveLength(scenarios.reduce((sum, scenario) => sum + runsIn(scenario).length, 0));
		expect(rows.filter((r) => r.contender.startsWith('cometapi')).every((r) => r.ok)).toBe(true);
	});
});
