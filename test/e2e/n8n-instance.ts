/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error -- test-only code: it runs the real n8n CLI as a child process */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as n8nLib from '../../scripts/lib/n8n';
import { API_KEY } from '../helpers/fake-cometapi';

/*
 * One real n8n release with a fresh user folder (SQLite database, encryption key, binary data),
 * our packed tarball installed in it the way the Community Nodes panel does. Credentials and
 * workflows go in through the CLI (import:credentials, import:workflow); workflows run on a
 * running `n8n start`, as the editor runs them (POST /rest/workflows/:id/run), and their results
 * are read back from the server's execution store. Not through `n8n execute`: in 2.41 its exit
 * path can kill it by a signal after a successful run (see README, Development).
 */

export const NODE_TYPE = `${n8nLib.PACKAGE_NAME}.cometApi`;

export interface Item {
	json: Record<string, unknown>;
	binary?: Record<string, { mimeType: string; fileName?: string; fileExtension?: string; fileSize?: string; id?: string; data?: string }>;
	pairedItem?: { item: number; input?: number } | Array<{ item: number }>;
	error?: unknown;
}

export interface Execution {
	id: string;
	/** n8n's execution status: success, error, crashed, canceled… */
	status: string;
	/** What the server printed while the workflow ran (its log lines). */
	output: string;
	/** The run data as the server stored it (text in n8n's "flatted" format). */
	stored: string;
	/** The run data the server stored for the execution, parsed. */
	result?: {
		data: {
			resultData: {
				error?: { message: string; description?: string; httpCode?: string };
				runData: Record<string, Array<{ data?: { main: Item[][] }; error?: { message: string; description?: string } }>>;
			};
		};
	};
}

/** What a CLI command did. */
export interface CliRun {
	exitCode: number | null;
	/** The signal that ended the process, when one did (exitCode is then null). */
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/** `n8n execute`: what it printed, and the run data in it (undefined when it printed none). */
export interface CliExecution extends CliRun {
	result?: Execution['result'];
}

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position?: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
}

export interface Workflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	/** By source node, then connection type (main, ai_tool, ai_languageModel…). */
	connections: Record<string, Record<string, Array<Array<{ node: string; type: string; index: number }>>>>;
	[key: string]: unknown;
}

export interface ServerSession {
	url: string;
	/** A REST call as the logged-in owner. */
	rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
	/** The CometAPI node and credential types as the editor gets them. */
	types(): ReturnType<typeof n8nLib.loadedTypes>;
	/** What the server printed so far. */
	output(): string;
}

export type N8nInstall = Awaited<ReturnType<typeof n8nLib.ensureN8n>>;

export class N8nInstance {
	readonly workDir: string;
	readonly userFolder: string;
	/** The only folder the file nodes may touch (N8N_RESTRICT_FILE_ACCESS_TO). */
	readonly filesDir: string;
	private brokerPort = 0;
	private cliRuns = 0;
	private readonly owner = { email: 'owner@example.com', password: `Owner-${randomUUID()}-1`, created: false };
	/** The `n8n start` running now, and the settings (key) it was started with. */
	private server?: { key: string; session: ServerSession; stop(): Promise<void> };

	private constructor(readonly n8n: N8nInstall) {
		this.workDir = mkdtempSync(join(tmpdir(), `cometapi-e2e-${n8n.release.version}-`));
		this.userFolder = join(this.workDir, 'home');
		this.filesDir = join(this.workDir, 'files');
		mkdirSync(this.filesDir, { recursive: true });
	}

	/** A fresh user folder for `version`, with the packed package (E2E_TARBALL) installed. */
	static async create(version: string): Promise<N8nInstance> {
		const tarball = process.env.E2E_TARBALL;
		if (!tarball) throw new Error('E2E_TARBALL is not set: run the e2e through jest.e2e.config.js (npm run test:e2e)');
		const instance = new N8nInstance(await n8nLib.ensureN8n(n8nLib.findRelease(version)));
		instance.brokerPort = await n8nLib.freePort();
		n8nLib.installCommunityPackage(instance.userFolder, tarball);
		return instance;
	}

	env(extra: Record<string, string> = {}) {
		return this.n8n.env(this.userFolder, {
			N8N_RESTRICT_FILE_ACCESS_TO: this.filesDir,
			// parallel releases must not share the task broker's default port
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			// `n8n execute` prints its result through the logger: below info it prints nothing
			N8N_LOG_LEVEL: 'info',
			EXECUTIONS_MODE: 'regular',
			...extra,
		});
	}

	/**
	 * Runs `n8n <args>`; never rejects on a non-zero exit code. Its standard output goes to a file:
	 * n8n ends with process.exit(), which drops what is still queued for a pipe (tens of MB of run
	 * data come out cut short), while a write to a file is done before the call returns.
	 */
	cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
		const outFile = join(this.workDir, `stdout-${process.pid}-${++this.cliRuns}.txt`);
		const out = openSync(outFile, 'w');
		return new Promise<CliRun>((resolve, reject) => {
			const child = spawn(this.n8n.nodeBin, [this.n8n.bin, ...args], { env: this.env(env), stdio: ['ignore', out, 'pipe'] });
			let stderr = '';
			child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
			child.on('error', reject);
			child.on('close', (exitCode, signal) => resolve({ exitCode, signal, stdout: readFileSync(outFile, 'utf8'), stderr }));
		}).finally(() => {
			closeSync(out);
			rmSync(outFile, { force: true });
		});
	}

	async importCredentials(credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>) {
		await this.importFile('import:credentials', 'credentials.json', credentials);
	}

	async importWorkflows(workflows: Workflow[]) {
		const dir = join(this.workDir, `workflows-${Date.now()}`);
		mkdirSync(dir);
		for (const workflow of workflows) {
			writeFileSync(join(dir, `${workflow.id}.json`), JSON.stringify({ active: false, settings: {}, ...workflow }));
		}
		const run = await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
		if (run.exitCode !== 0) throw new Error(`import:workflow failed (exit ${run.exitCode}, signal ${run.signal}):\n${run.stdout}\n${run.stderr}`);
	}

	/**
	 * Runs a workflow from its Manual Trigger the way the editor's "Execute workflow" button does,
	 * on a server started with `env` (the running one when its settings match), and reads the
	 * finished execution back from the server.
	 */
	async execute(workflowId: string, env: Record<string, string> = {}): Promise<Execution> {
		return await this.withServer(async (server) => {
			const printedBefore = server.output().length;
			const saved = await server.rest('GET', `/rest/workflows/${workflowId}`);
			if (saved.status !== 200) throw new Error(`GET workflow ${workflowId}: HTTP ${saved.status} ${JSON.stringify(saved.body)}`);
			const workflowData = (saved.body as { data: Workflow }).data;
			const trigger = workflowData.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
			if (!trigger) throw new Error(`${workflowData.name}: no Manual Trigger to start from`);
			// n8n 2.8 runs the workflow sent in the body; 2.41 runs the saved one (and ignores workflowData)
			const started = await server.rest('POST', `/rest/workflows/${workflowId}/run`, { workflowData, triggerToStartFrom: { name: trigger.name } });
			const executionId = (started.body as { data?: { executionId?: string } } | undefined)?.data?.executionId;
			if (started.status !== 200 || !executionId) throw new Error(`POST run ${workflowId}: HTTP ${started.status} ${JSON.stringify(started.body)}`);
			const execution = await this.finishedExecution(server, executionId);
			return {
				id: executionId,
				status: execution.status,
				output: server.output().slice(printedBefore),
				stored: execution.data,
				result: { data: this.parseFlatted(execution.data) },
			};
		}, env);
	}

	/**
	 * `n8n execute --id`: one process per run, whose peak memory the benchmark measures. The e2e
	 * does not use it: n8n 2.41's CLI can end by a signal after the run (see `execute`).
	 */
	async executeCli(workflowId: string, env: Record<string, string> = {}): Promise<CliExecution> {
		// a running `n8n start` holds the task broker's port that `n8n execute` opens too
		await this.stopServer();
		const run = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], env);
		return { ...run, result: parseRun(run.stdout) };
	}

	/**
	 * Gives `use` a logged-in client of `n8n start` run with `env`: the server already running when
	 * it was started with the same settings, else a fresh one (the running one stopped first: they
	 * share the database and the task broker's port). The first server creates the owner account
	 * through the REST API, as the setup page does.
	 */
	async withServer<T>(use: (server: ServerSession) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
		const key = JSON.stringify(Object.entries(env).sort());
		if (this.server?.key !== key) {
			await this.stopServer();
			this.server = { key, ...(await this.startServer(env)) };
		}
		const { session } = this.server;
		try {
			return await use(session);
		} catch (error) {
			// what the server printed is the only clue when it drops a connection or dies mid-test
			const tail = session.output().split('\n').slice(-60).join('\n');
			if (error instanceof Error) error.message += `\n--- n8n ${this.n8n.release.version} output (last lines) ---\n${tail}`;
			throw error;
		}
	}

	/** Stops the running server, if any (before a CLI command that a running server would not notice). */
	async stopServer() {
		const running = this.server;
		this.server = undefined;
		await running?.stop();
	}

	async cleanUp() {
		await this.stopServer();
		rmSync(this.workDir, { recursive: true, force: true });
	}

	private async startServer(env: Record<string, string>): Promise<{ session: ServerSession; stop(): Promise<void> }> {
		const server = await n8nLib.startN8n(this.n8n, this.userFolder, { port: await n8nLib.freePort(), env: this.env(env) });
		try {
			const browserId = 'cometapi-e2e';
			const [path, body] = this.owner.created
				? ['/rest/login', { emailOrLdapLoginId: this.owner.email, password: this.owner.password }]
				: ['/rest/owner/setup', { email: this.owner.email, firstName: 'E2e', lastName: 'Owner', password: this.owner.password }];
			const post = async () =>
				await call(server.url, 'POST', path, { 'content-type': 'application/json', 'browser-id': browserId }, JSON.stringify(body));
			// n8n 2.8 answers its readiness check a moment before it registers the REST routes
			let setup = await post();
			for (let attempt = 0; (setup.status === 404 || notReady(setup)) && attempt < 120; attempt++) {
				await new Promise((resolve) => setTimeout(resolve, 500));
				setup = await post();
			}
			if (setup.status !== 200) throw new Error(`POST ${path}: HTTP ${setup.status} ${setup.text}`);
			this.owner.created = true;
			const cookie = setup.setCookie.map((c) => c.split(';')[0]).join('; ');
			const headers = { cookie, 'browser-id': browserId, 'content-type': 'application/json' };
			const session: ServerSession = {
				url: server.url,
				async rest(method, path, body) {
					let response = await call(server.url, method, path, headers, body === undefined ? undefined : JSON.stringify(body));
					for (let attempt = 0; notReady(response) && attempt < 120; attempt++) {
						await new Promise((resolve) => setTimeout(resolve, 500));
						response = await call(server.url, method, path, headers, body === undefined ? undefined : JSON.stringify(body));
					}
					return { status: response.status, body: response.text ? (JSON.parse(response.text) as unknown) : undefined };
				},
				types: () =>
					n8nLib.loadedTypes(
						async (file: string) => {
							const response = await call(server.url, 'GET', `/types/${file}`, headers);
							return response.status === 200 ? (JSON.parse(response.text) as unknown[]) : undefined;
						},
						undefined,
						// n8n that exits or reports a port clash fails the wait at once
						server.failure,
					),
				output: () => server.output(),
			};
			return { session, stop: async () => await server.stop() };
		} catch (error) {
			const tail = server.output().split('\n').slice(-60).join('\n');
			await server.stop();
			if (error instanceof Error) error.message += `\n--- n8n ${this.n8n.release.version} output (last lines) ---\n${tail}`;
			throw error;
		}
	}

	/** Waits until the server has stored the execution as finished (or failed), and returns it. */
	private async finishedExecution(server: ServerSession, executionId: string) {
		type Stored = { status: string; data: string };
		const deadline = Date.now() + 150000;
		for (;;) {
			const response = await server.rest('GET', `/rest/executions/${executionId}`);
			const execution = (response.body as { data?: Stored } | undefined)?.data;
			if (response.status === 200 && execution && !['new', 'running', 'waiting', 'unknown'].includes(execution.status)) return execution;
			if (response.status !== 200 && response.status !== 404) throw new Error(`GET execution ${executionId}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
			if (Date.now() > deadline) throw new Error(`execution ${executionId} did not finish: ${JSON.stringify(execution?.status)}`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	/** n8n stores run data in the "flatted" format (shared references as indexes); its own copy reads it. */
	private parseFlatted(data: string): NonNullable<Execution['result']>['data'] {
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- the flatted of the n8n under test, not a dependency of ours
		const flatted = require(join(this.n8n.dir, 'node_modules', 'flatted')) as { parse(text: string): unknown };
		return flatted.parse(data) as NonNullable<Execution['result']>['data'];
	}

	private async importFile(command: string, name: string, content: unknown) {
		const file = join(this.workDir, name);
		writeFileSync(file, JSON.stringify(content));
		const run = await this.cli([command, `--input=${file}`]);
		rmSync(file);
		if (run.exitCode !== 0) throw new Error(`${command} failed:\n${run.stdout}\n${run.stderr}`);
	}
}

/**
 * n8n answers every request with this 503 while its database ping (SELECT 1 within 5 s) fails, as it
 * can on a busy machine; the request reached no handler, and the next ping makes the server answer again.
 */
function notReady(response: { status: number; text: string }) {
	return response.status === 503 && response.text.includes('Database is not ready');
}

/**
 * One HTTP call on a connection of its own (no keep-alive). With a pooled connection, a call made
 * after the client was busy for a few seconds (parsing the 2.41 node types on a loaded machine)
 * can land on a socket n8n is closing as idle, which fails as "other side closed".
 */
function call(base: string, method: string, path: string, headers: Record<string, string>, body?: string) {
	return new Promise<{ status: number; text: string; setCookie: string[] }>((resolve, reject) => {
		const req = httpRequest(`${base}${path}`, { method, headers: { ...headers, connection: 'close' }, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('error', reject);
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), setCookie: res.headers['set-cookie'] ?? [] }),
			);
		});
		req.on('error', reject);
		req.end(body);
	});
}

/** stdout holds log lines, then the run as pretty-printed JSON starting at a line that is exactly "{". */
function parseRun(stdout: string): Execution['result'] {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	if (start === -1) return undefined;
	const end = lines.lastIndexOf('}');
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as Execution['result'];
	} catch {
		return undefined;
	}
}

/** Fails with what n8n printed unless the execution succeeded; the test key must appear neither there nor in the stored run data. */
export function expectSuccess(execution: Execution): asserts execution is Execution & { result: NonNullable<Execution['result']> } {
	if (execution.status !== 'success' || !execution.result) {
		const error = JSON.stringify(execution.result?.data.resultData.error ?? null);
		throw new Error(`execution ${execution.id} ended with status ${execution.status}, error ${error}:\n${execution.output}`);
	}
	expect(execution.result.data.resultData.error).toBeUndefined();
	expect(`${execution.output}${execution.stored}`).not.toContain(API_KEY);
}

/** The items a node gave on its first output in its first run. */
export function outputOf(execution: Execution, nodeName: string): Item[] {
	const runs = execution.result?.data.resultData.runData[nodeName];
	if (!runs) {
		throw new Error(`node "${nodeName}" did not run; status ${execution.status}\n${execution.output}`);
	}
	return runs[0].data?.main[0] ?? [];
}

/** Connects the nodes one after the other, first output to first input. */
export function chain(...names: string[]): Workflow['connections'] {
	const connections: Workflow['connections'] = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

/** Lays the nodes out left to right, with ids, as the editor would. */
export function workflow(id: string, name: string, nodes: WorkflowNode[], connections = chain(...nodes.map((n) => n.name))): Workflow {
	return {
		id,
		name,
		nodes: nodes.map((node, index) => ({ id: `${id}-${index}`, position: [index * 220, 0], ...node })),
		connections,
	};
}
