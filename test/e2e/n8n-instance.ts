/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error -- test-only code: it runs the real n8n CLI as a child process */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as n8nLib from '../../scripts/lib/n8n';
import { API_KEY } from '../helpers/fake-cometapi';

/*
 * One real n8n release with a fresh user folder (SQLite database, encryption key, binary data),
 * our packed tarball installed in it the way the Community Nodes panel does, driven through its
 * CLI: import:credentials, import:workflow, execute --id.
 */

export const NODE_TYPE = `${n8nLib.PACKAGE_NAME}.cometApi`;

export interface Item {
	json: Record<string, unknown>;
	binary?: Record<string, { mimeType: string; fileName?: string; fileExtension?: string; fileSize?: string; id?: string; data?: string }>;
	pairedItem?: { item: number; input?: number } | Array<{ item: number }>;
	error?: unknown;
}

export interface Execution {
	exitCode: number | null;
	/** The signal that ended the process, when one did (exitCode is then null). */
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/** The run data n8n printed (undefined when it printed none). */
	result?: {
		data: {
			resultData: {
				error?: { message: string; description?: string; httpCode?: string };
				runData: Record<string, Array<{ data?: { main: Item[][] }; error?: { message: string; description?: string } }>>;
			};
		};
	};
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
}

export type N8nInstall = Awaited<ReturnType<typeof n8nLib.ensureN8n>>;

export class N8nInstance {
	readonly workDir: string;
	readonly userFolder: string;
	/** The only folder the file nodes may touch (N8N_RESTRICT_FILE_ACCESS_TO). */
	readonly filesDir: string;
	private brokerPort = 0;
	private readonly owner = { email: 'owner@example.com', password: `Owner-${randomUUID()}-1`, created: false };

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

	/** Runs `n8n <args>`; never rejects on a non-zero exit code. */
	cli(args: string[], env: Record<string, string> = {}): Promise<Execution> {
		return new Promise((resolve, reject) => {
			const child = spawn(this.n8n.nodeBin, [this.n8n.bin, ...args], { env: this.env(env), stdio: ['ignore', 'pipe', 'pipe'] });
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
			child.on('error', reject);
			child.on('close', (exitCode, signal) => resolve({ exitCode, signal, stdout, stderr, result: parseRun(stdout) }));
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
		if (run.exitCode !== 0) throw new Error(`import:workflow failed:\n${run.stdout}\n${run.stderr}`);
	}

	execute(workflowId: string, env: Record<string, string> = {}): Promise<Execution> {
		return this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], env);
	}

	/**
	 * Runs `n8n start`, creates the owner account through the REST API (as the setup page does) and
	 * gives `use` a logged-in client; stops the server afterwards.
	 */
	async withServer<T>(use: (server: ServerSession) => Promise<T>): Promise<T> {
		const server = await n8nLib.startN8n(this.n8n, this.userFolder, { port: await n8nLib.freePort(), env: this.env() });
		try {
			const browserId = 'cometapi-e2e';
			// the first server creates the owner account (as the setup page does); later ones log in
			const [path, body] = this.owner.created
				? ['/rest/login', { emailOrLdapLoginId: this.owner.email, password: this.owner.password }]
				: ['/rest/owner/setup', { email: this.owner.email, firstName: 'E2e', lastName: 'Owner', password: this.owner.password }];
			const post = async () =>
				await call(server.url, 'POST', path, { 'content-type': 'application/json', 'browser-id': browserId }, JSON.stringify(body));
			// n8n 2.8 answers its readiness check a moment before it registers the REST routes
			let setup = await post();
			for (let attempt = 0; setup.status === 404 && attempt < 60; attempt++) {
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
					const response = await call(server.url, method, path, headers, body === undefined ? undefined : JSON.stringify(body));
					return { status: response.status, body: response.text ? (JSON.parse(response.text) as unknown) : undefined };
				},
				types: () =>
					n8nLib.loadedTypes(async (file: string) => {
						const response = await call(server.url, 'GET', `/types/${file}`, headers);
						return response.status === 200 ? (JSON.parse(response.text) as unknown[]) : undefined;
					}),
			};
			return await use(session);
		} catch (error) {
			// what the server printed is the only clue when it drops a connection or dies mid-test
			const tail = server.output().split('\n').slice(-60).join('\n');
			if (error instanceof Error) error.message += `\n--- n8n ${this.n8n.release.version} output (last lines) ---\n${tail}`;
			throw error;
		} finally {
			await server.stop();
		}
	}

	cleanUp() {
		rmSync(this.workDir, { recursive: true, force: true });
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

/** Fails with n8n's own output unless the execution succeeded; the test key must appear nowhere in it. */
export function expectSuccess(execution: Execution): asserts execution is Execution & { result: NonNullable<Execution['result']> } {
	if (execution.exitCode !== 0 || !execution.result) {
		throw new Error(`execution failed (exit ${execution.exitCode}, signal ${execution.signal}):\n${execution.stdout}\n${execution.stderr}`);
	}
	expect(execution.result.data.resultData.error).toBeUndefined();
	expect(`${execution.stdout}${execution.stderr}`).not.toContain(API_KEY);
}

/** The items a node gave on its first output in its first run. */
export function outputOf(execution: Execution, nodeName: string): Item[] {
	const runs = execution.result?.data.resultData.runData[nodeName];
	if (!runs) {
		throw new Error(`node "${nodeName}" did not run; exit ${execution.exitCode}\n${execution.stdout}\n${execution.stderr}`);
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
