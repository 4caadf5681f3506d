/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error, @n8n/community-nodes/no-dangerous-functions -- test-only code: it runs n8n's main and worker processes */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as n8nLib from '../../scripts/lib/n8n';
import type { Item, N8nInstall, Workflow } from './n8n-instance';
import { startPostgres, startRedis, type Postgres, type Service } from './services';

/*
 * n8n in queue mode, as a user runs it: Redis and PostgreSQL (services.ts), one main instance
 * (`n8n start`: editor, REST API, webhooks; it puts executions on the queue) and `n8n worker`
 * processes that run them. Each process has its own user folder with the packed package installed
 * as the Community Nodes panel installs it (like separate machines or containers), and they share
 * only the database, Redis and the encryption key. Binaries live in the database
 * (N8N_DEFAULT_BINARY_DATA_MODE=database), so the main instance serves what the workers wrote.
 */

export interface HttpAnswer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** One HTTP call on a connection of its own (no keep-alive: n8n closes idle sockets under load). */
export function http(url: string, method = 'GET', headers: Record<string, string> = {}, body?: string): Promise<HttpAnswer> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(url, { method, headers: { ...headers, connection: 'close' }, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('error', reject);
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

/** Reads n8n's stored run data (the `flatted` format: a table whose strings inside objects are indexes). */
export function unflatten(text: string): unknown {
	const table = JSON.parse(text) as unknown[];
	const done = new Map<number, unknown>();
	const resolve = (index: number): unknown => {
		if (done.has(index)) return done.get(index);
		const entry = table[index];
		if (entry === null || typeof entry !== 'object') return entry;
		const copy: Record<string, unknown> = Array.isArray(entry) ? ([] as unknown as Record<string, unknown>) : {};
		done.set(index, copy);
		for (const [key, value] of Object.entries(entry)) copy[key] = typeof value === 'string' ? resolve(Number(value)) : value;
		return copy;
	};
	return resolve(0);
}

export interface Worker {
	name: string;
	/** What the worker printed so far (n8n's log at info level). */
	output(): string;
	/** The IDs of the executions this worker ran, from its own log ("Worker started execution 7 (job 3)"). */
	executionIds(): string[];
}

export interface StoredExecution {
	id: string;
	status: string;
	startedAt: string;
	stoppedAt: string;
	runData: Record<string, Array<{ startTime: number; executionTime: number; data?: { main: Item[][] }; error?: { message: string } }>>;
	error?: { message: string };
}

export interface QueueCluster {
	n8n: N8nInstall;
	url: string;
	workers: Worker[];
	/** The environment every process got (besides its own user folder and ports). */
	sharedEnv: Record<string, string>;
	/** Everything the main instance and the workers printed. */
	output(): string;
	/** A REST call as the owner; the body is parsed JSON. */
	rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
	/** A binary's bytes and MIME type, as the editor downloads them from the main instance. */
	binary(id: string): Promise<{ status: number; mimeType: string; data: Buffer }>;
	/** Creates a credential and returns its ID. */
	createCredential(name: string, type: string, data: Record<string, unknown>): Promise<string>;
	/** Creates and activates (publishes) a workflow; returns its ID. */
	activateWorkflow(workflow: Workflow): Promise<string>;
	/** Waits until the workflow has `count` executions that ended, and returns them with their run data. */
	waitForExecutions(workflowId: string, count: number, timeoutMs?: number): Promise<StoredExecution[]>;
	stop(): Promise<void>;
}

export interface QueueOptions {
	workers?: number;
	/** Jobs each worker runs at once (`n8n worker --concurrency`). */
	concurrency?: number;
}

/** The stop() of every cluster started or starting, for stopQueueClusters(). */
const running = new Set<() => Promise<void>>();

/**
 * Stops every cluster of this process, also one still starting (after a test's timeout, when its
 * startQueueCluster() has not returned a cluster to stop).
 */
export async function stopQueueClusters(): Promise<void> {
	for (const stop of [...running]) await stop();
}

const OWNER = { email: 'owner@example.com', firstName: 'Queue', lastName: 'Owner', password: `Owner-${randomUUID()}-1` };

/**
 * Starts Redis, PostgreSQL, the main instance and the workers of `version`, with the packed
 * package (E2E_TARBALL) installed in every process's user folder. stop() ends and removes it all;
 * so does a failure while starting.
 */
export async function startQueueCluster(version: string, { workers = 2, concurrency = 2 }: QueueOptions = {}): Promise<QueueCluster> {
	const tarball = process.env.E2E_TARBALL;
	if (!tarball) throw new Error('E2E_TARBALL is not set: run the e2e through jest.e2e.config.js (npm run test:e2e)');
	const stops: Array<() => Promise<void>> = [];
	let stopped = false;
	const stopAll = async () => {
		stopped = true;
		running.delete(stopAll);
		for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
	};
	running.add(stopAll);
	/** Keeps what was started for stop(); stops it at once if the cluster was stopped meanwhile. */
	const track = async (stop: () => Promise<void>, first = false) => {
		if (stopped) {
			await stop();
			throw new Error('the queue cluster was stopped while it started');
		}
		if (first) stops.unshift(stop);
		else stops.push(stop);
	};
	const outputs: Array<{ name: string; output: () => string }> = [];
	const allOutput = () => outputs.map(({ name, output }) => `--- ${name} ---\n${output()}`).join('\n');
	const startedAt = Date.now();
	const since = () => `${((Date.now() - startedAt) / 1000).toFixed(0)} s`;
	try {
		const [n8n, redis, postgres] = await Promise.all([
			n8nLib.ensureN8n(n8nLib.findRelease(version)),
			startRedis().then(async (service) => (await track(service.stop), service)),
			startPostgres().then(async (service) => (await track(service.stop), service)),
		]);
		const workDir = mkdtempSync(join(tmpdir(), `cometapi-queue-${version}-`));
		await track(async () => rmSync(workDir, { recursive: true, force: true }), true);
		n8nLib.log(`queue ${version}: Redis on port ${redis.port} and PostgreSQL on port ${postgres.port} ready after ${since()}`);

		const sharedEnv = queueEnv(redis, postgres, randomBytes(24).toString('base64'));
		const processEnv = async (name: string) => {
			const userFolder = join(workDir, name);
			mkdirSync(userFolder, { recursive: true });
			n8nLib.installCommunityPackage(userFolder, tarball);
			// each process starts its own task runner broker (Code node), on a port of its own
			const env = { ...sharedEnv, N8N_RUNNERS_BROKER_PORT: String(await n8nLib.freePort()) };
			return { userFolder, env };
		};

		// the main instance first: it creates the database's tables, which the workers then use
		const main = await processEnv('main');
		const port = (await n8nLib.freePort()) as number;
		const server = await n8nLib.startN8n(n8n, main.userFolder, { port, env: main.env, timeoutMs: 300000 });
		await track(server.stop);
		outputs.push({ name: 'main', output: server.output });
		n8nLib.log(`queue ${version}: main instance ready after ${since()}`);

		const started = await Promise.all(
			Array.from({ length: workers }, async (_, index) => {
				const name = `worker-${index + 1}`;
				const worker = await startWorker(n8n, name, await processEnv(name), concurrency);
				await track(worker.stop);
				outputs.push({ name, output: worker.output });
				return worker;
			}),
		);

		n8nLib.log(`queue ${version}: ${workers} workers ready after ${since()}`);
		const session = await ownerSession(server.url);
		const rest: QueueCluster['rest'] = async (method, path, body) => {
			const answer = await http(`${server.url}${path}`, method, session, body === undefined ? undefined : JSON.stringify(body));
			const text = answer.body.toString('utf8');
			// an unknown REST path gets the editor's HTML page
			const json = String(answer.headers['content-type'] ?? '').includes('application/json');
			return { status: answer.status, body: json && text ? (JSON.parse(text) as unknown) : text };
		};
		const expectOk = <T>(what: string, answer: { status: number; body: unknown }): T => {
			if (answer.status !== 200) throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
			return (answer.body as { data: T }).data;
		};

		return {
			n8n,
			url: server.url,
			workers: started.map(({ name, output }) => ({
				name,
				output,
				executionIds: () => [...output().matchAll(/Worker started execution (\d+)/g)].map((match) => match[1]),
			})),
			sharedEnv,
			output: allOutput,
			rest,
			async binary(id) {
				const answer = await http(`${server.url}/rest/binary-data?id=${encodeURIComponent(id)}&action=download`, 'GET', session);
				return { status: answer.status, mimeType: String(answer.headers['content-type'] ?? ''), data: answer.body };
			},
			async createCredential(name, type, data) {
				return expectOk<{ id: string }>(`create credential ${name}`, await rest('POST', '/rest/credentials', { name, type, data })).id;
			},
			async activateWorkflow(workflow) {
				const { name, nodes, connections } = workflow;
				const created = expectOk<{ id: string; versionId: string }>(`create workflow ${name}`, await rest('POST', '/rest/workflows', { name, nodes, connections, settings: {}, active: false }));
				expectOk(`activate workflow ${name}`, await rest('POST', `/rest/workflows/${created.id}/activate`, { versionId: created.versionId }));
				// n8n 2.41 registers the triggers a moment later (its publication service); older
				// releases before answering, and have no publication status to ask
				for (let attempt = 0; ; attempt++) {
					const publication = await rest('GET', `/rest/workflows/${created.id}/publication-status`);
					const { body } = publication;
					const status = publication.status === 200 && typeof body === 'object' ? String((body as { data?: { status?: string } }).data?.status) : 'published';
					if (status === 'published') break;
					if (!['in_progress', 'not_published'].includes(status) || attempt > 120) throw new Error(`publishing ${name}: ${JSON.stringify(publication.body)}`);
					await new Promise((resolve) => setTimeout(resolve, 500));
				}
				return created.id;
			},
			async waitForExecutions(workflowId, count, timeoutMs = 240000) {
				const deadline = Date.now() + timeoutMs;
				const filter = encodeURIComponent(JSON.stringify({ workflowId }));
				for (;;) {
					const list = expectOk<{ results: Array<{ id: string; status: string }> }>('list executions', await rest('GET', `/rest/executions?filter=${filter}&limit=100`));
					const results = list.results;
					const ended = results.filter((e) => !['new', 'running', 'waiting', 'unknown'].includes(e.status));
					if (ended.length >= count) {
						return await Promise.all(
							ended.map(async ({ id }) => {
								const execution = expectOk<{ id: string; status: string; startedAt: string; stoppedAt: string; data: string }>(
									`execution ${id}`,
									await rest('GET', `/rest/executions/${id}`),
								);
								const data = unflatten(execution.data) as { resultData: { runData: StoredExecution['runData']; error?: { message: string } } };
								return {
									id: String(execution.id),
									status: execution.status,
									startedAt: execution.startedAt,
									stoppedAt: execution.stoppedAt,
									runData: data.resultData.runData,
									error: data.resultData.error,
								};
							}),
						);
					}
					if (Date.now() > deadline) {
						throw new Error(`${ended.length} of ${count} executions ended within ${timeoutMs / 1000} s: ${JSON.stringify(results.map((e) => [e.id, e.status]))}`);
					}
					await new Promise((resolve) => setTimeout(resolve, 500));
				}
			},
			stop: stopAll,
		};
	} catch (error) {
		if (error instanceof Error && outputs.length > 0) error.message += `\n${tail(allOutput(), 80)}`;
		await stopAll();
		throw error;
	}
}

/** The variables every process of the cluster shares (what a user sets on the main instance and on each worker). */
function queueEnv(redis: Service, postgres: Postgres, encryptionKey: string): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		// every process decrypts the credentials the main instance stored
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		N8N_LOG_LEVEL: 'info',
	};
}

async function startWorker(n8n: N8nInstall, name: string, { userFolder, env }: { userFolder: string; env: Record<string, string> }, concurrency: number) {
	const healthPort = (await n8nLib.freePort()) as number;
	const child = spawn(n8n.nodeBin, [n8n.bin, 'worker', `--concurrency=${concurrency}`], {
		env: n8n.env(userFolder, { ...env, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort) }),
		stdio: ['ignore', 'pipe', 'pipe'],
		// its own process group, so stop() also ends its task runner
		detached: true,
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	// 'close': the worker ended and so did everything holding its output pipes (its task runner)
	const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
	// also when the worker itself has ended: its task runner may still run in its group
	const stop = async () => {
		const signal = (name: NodeJS.Signals) => {
			try {
				if (child.pid !== undefined) process.kill(-child.pid, name);
			} catch {
				// already gone
			}
		};
		signal('SIGTERM');
		const timer = setTimeout(() => signal('SIGKILL'), 20000);
		await exited;
		clearTimeout(timer);
	};
	// ready: its health server says the database and Redis are connected, and it listens to the queue
	const deadline = Date.now() + 300000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready:\n${tail(output, 60)}`);
		const ready = await http(`http://127.0.0.1:${healthPort}/healthz/readiness`).catch(() => undefined);
		if (ready?.status === 200 && output.includes('n8n worker is now ready')) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`${name} was not ready within 300 s:\n${tail(output, 60)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return { name, output: () => output, stop };
}

/** Creates the owner account through the REST API, as the setup page does; returns the session's headers. */
async function ownerSession(url: string): Promise<Record<string, string>> {
	const headers = { 'content-type': 'application/json', 'browser-id': 'cometapi-queue-e2e' };
	let setup = await http(`${url}/rest/owner/setup`, 'POST', headers, JSON.stringify(OWNER));
	// n8n answers its readiness check a moment before it registers the REST routes
	for (let attempt = 0; setup.status === 404 && attempt < 60; attempt++) {
		await new Promise((resolve) => setTimeout(resolve, 500));
		setup = await http(`${url}/rest/owner/setup`, 'POST', headers, JSON.stringify(OWNER));
	}
	if (setup.status !== 200) throw new Error(`POST /rest/owner/setup: HTTP ${setup.status} ${setup.body.toString('utf8')}`);
	const cookies = ([] as string[]).concat(setup.headers['set-cookie'] ?? []);
	return { ...headers, cookie: cookies.map((c) => c.split(';')[0]).join('; ') };
}

function tail(text: string, lines: number): string {
	return text.split('\n').slice(-lines).join('\n');
}
