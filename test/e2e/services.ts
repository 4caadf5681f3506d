/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error, @n8n/community-nodes/no-dangerous-functions -- test-only code: it runs Redis and PostgreSQL as child processes */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import * as n8nLib from '../../scripts/lib/n8n';

/*
 * The services n8n's queue mode needs, from Debian's packages (`apt-get install redis-server
 * postgresql`; `.ci/run` installs them when missing): a Redis and a PostgreSQL cluster of their
 * own, each on a free loopback port with its data in a temporary folder, stopped and removed by
 * stop(). PostgreSQL refuses to run as root, so as root its cluster runs as an unprivileged user.
 */

export interface Service {
	port: number;
	stop(): Promise<void>;
}

export interface Postgres extends Service {
	database: string;
	user: string;
}

/** A process started in its own group, with its output kept for error messages. */
function startProcess(command: string, args: string[], cwd: string) {
	const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	// 'close': the process ended and its output pipes too (nothing left to keep the test process alive)
	const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
	return { child, exited, output: () => output };
}

/** Waits until the output shows `ready`; fails when the process exits first or after `timeoutMs`. */
async function waitFor(name: string, process: ReturnType<typeof startProcess>, ready: RegExp, timeoutMs = 60000) {
	let gone = false;
	void process.exited.then(() => (gone = true));
	const deadline = Date.now() + timeoutMs;
	while (!ready.test(process.output())) {
		if (gone) throw new Error(`${name} exited before it was ready:\n${process.output()}`);
		if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${process.output()}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Ends the process group with `signal` (SIGKILL after 20 s) and waits for the process to exit. */
async function stopProcess(child: ChildProcess, exited: Promise<void>, signal: NodeJS.Signals) {
	// also when the process itself has ended: what it started may still run in its group
	const send = (name: NodeJS.Signals) => {
		try {
			if (child.pid !== undefined) process.kill(-child.pid, name);
		} catch {
			// already gone
		}
	};
	send(signal);
	const timer = setTimeout(() => send('SIGKILL'), 20000);
	await exited;
	clearTimeout(timer);
}

function findExecutable(name: string, folders: string[], hint: string): string {
	for (const folder of folders) {
		const file = join(folder, name);
		if (existsSync(file)) return file;
	}
	throw new Error(`${name} not found (looked in ${folders.join(', ')}): ${hint}`);
}

/** redis-server on a free loopback port, without persistence, its folder removed on stop(). */
export async function startRedis(): Promise<Service> {
	const redisServer = findExecutable(
		'redis-server',
		[...(process.env.REDIS_SERVER ? [process.env.REDIS_SERVER.replace(/\/redis-server$/, '')] : []), '/usr/bin', '/usr/local/bin', '/usr/sbin'],
		'install Debian\'s redis-server (apt-get install redis-server) or set REDIS_SERVER',
	);
	const dir = mkdtempSync(join(tmpdir(), 'cometapi-redis-'));
	const port = (await n8nLib.freePort()) as number;
	const redis = startProcess(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], dir);
	try {
		await waitFor('redis-server', redis, /Ready to accept connections/);
	} catch (error) {
		await stopProcess(redis.child, redis.exited, 'SIGKILL');
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	return {
		port,
		async stop() {
			await stopProcess(redis.child, redis.exited, 'SIGTERM');
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** The folder of Debian's PostgreSQL programs (the newest installed), or PG_BIN. */
function postgresBin(): string {
	const hint = "install Debian's postgresql (apt-get install postgresql) or set PG_BIN to the folder holding initdb and postgres";
	if (process.env.PG_BIN) return process.env.PG_BIN;
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
	for (const version of versions) if (existsSync(join(root, version, 'bin', 'postgres'))) return join(root, version, 'bin');
	throw new Error(`PostgreSQL not found under ${root}: ${hint}`);
}

/**
 * As root: the unprivileged user PostgreSQL runs as (Debian's package creates "postgres"; else
 * "nobody") and how to run a program as that user. Otherwise: the current user, directly.
 */
function postgresUser(): { name: string; uid: number; gid: number; run: (program: string, args: string[]) => [string, string[]] } {
	const me = userInfo();
	if (me.uid !== 0) return { name: me.username, uid: me.uid, gid: me.gid, run: (program, args) => [program, args] };
	const name = ['postgres', 'nobody'].find((candidate) => {
		try {
			execFileSync('id', ['-u', candidate], { stdio: 'ignore' });
			return true;
		} catch {
			return false;
		}
	});
	if (!name) throw new Error('PostgreSQL refuses to run as root, and neither a "postgres" nor a "nobody" user exists');
	const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
	return { name, uid: id('-u'), gid: id('-g'), run: (program, args) => ['runuser', ['-u', name, '--', program, ...args]] };
}

/**
 * A PostgreSQL cluster of its own (initdb into a temporary folder, `postgres` on a free loopback
 * port, trust authentication on loopback only) with a database "n8n" owned by the user "n8n".
 */
export async function startPostgres(): Promise<Postgres> {
	const bin = postgresBin();
	const owner = postgresUser();
	const dir = mkdtempSync(join(tmpdir(), 'cometapi-postgres-'));
	const data = join(dir, 'data');
	const sockets = join(dir, 'sockets');
	mkdirSync(sockets);
	for (const folder of [dir, sockets]) chownSync(folder, owner.uid, owner.gid);
	const port = (await n8nLib.freePort()) as number;
	const user = 'n8n';
	const database = 'n8n';
	const run = (program: string, args: string[]) => {
		const [command, commandArgs] = owner.run(join(bin, program), args);
		return execFileSync(command, commandArgs, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	};
	let server: ReturnType<typeof startProcess> | undefined;
	try {
		run('initdb', ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
		const [command, args] = owner.run(join(bin, 'postgres'), [
			'-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${sockets}`,
			// a throw-away cluster: no need to survive a power cut
			'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
		]);
		server = startProcess(command, args, dir);
		await waitFor('postgres', server, /database system is ready to accept connections/);
		run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', user, database]);
	} catch (error) {
		if (server) await stopProcess(server.child, server.exited, 'SIGKILL');
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	const started = server;
	return {
		port,
		user,
		database,
		async stop() {
			// SIGINT: PostgreSQL's fast shutdown (ends the sessions n8n left open)
			await stopProcess(started.child, started.exited, 'SIGINT');
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
