/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped: it checks the scripts that start n8n */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as n8nLib from '../../scripts/lib/n8n';
import * as ports from '../../scripts/lib/ports';

// How npm run dev, the e2e and the bench choose the ports of the n8n they start, so that they run
// beside another n8n (which holds 5678 and the task broker's 5679), and how a clash is reported.

function listen(port: number, host = '::'): Promise<Server> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(port, host, () => resolve(server));
	});
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('ports', () => {
	it('finds a port in use on loopback or on every interface, and a free one free', async () => {
		for (const host of ['127.0.0.1', '::']) {
			const port = await ports.freePort();
			expect(await ports.portProblem(port)).toBeUndefined();
			const holder = await listen(port, host);
			expect(await ports.portProblem(port)).toBe('EADDRINUSE');
			await close(holder);
			expect(await ports.portProblem(port)).toBeUndefined();
		}
	});

	it('hands out free ports, never the same one twice', async () => {
		const handed = [];
		for (let i = 0; i < 20; i++) handed.push(await ports.freePort());
		expect(new Set(handed).size).toBe(20);
		for (const port of handed) expect(await ports.portProblem(port)).toBeUndefined();
	});

	it('suggests a free port near the one taken', async () => {
		const base = await ports.freePort();
		const taken = await listen(base + 2).catch(() => undefined);
		try {
			const suggestion = await ports.nearbyFreePort(base);
			expect(await ports.portProblem(suggestion)).toBeUndefined();
			if (taken) expect(suggestion).not.toBe(base + 2);
		} finally {
			if (taken) await close(taken);
		}
	});

	(process.platform === 'linux' ? it : it.skip)('names the process holding a port', async () => {
		const port = await ports.freePort();
		const holder = await listen(port, '127.0.0.1');
		try {
			expect(ports.portHolder(port)).toEqual({ pid: process.pid, command: expect.stringContaining('node') });
			expect(ports.holderText(port)).toContain(`held by pid ${process.pid}`);
		} finally {
			await close(holder);
		}
		expect(ports.portHolder(port)).toBeUndefined();
	});

	it("reads the clashes n8n 2.8 and 2.41 report, and nothing in a normal start", () => {
		const normal = 'Initializing n8n process\nn8n ready on ::, port 5690\nn8n Task Broker ready on 127.0.0.1, port 41234\nEditor is now accessible via:\nhttp://localhost:5690\n';
		expect(ports.findClash(normal)).toBeUndefined();
		expect(ports.findClash(`${normal}n8n Task Broker's port 5679 is already in use. Do you have another instance of n8n running already?\n`)).toEqual({
			port: 5679,
			listener: "task runners' broker",
			variable: 'N8N_RUNNERS_BROKER_PORT',
			line: "n8n Task Broker's port 5679 is already in use. Do you have another instance of n8n running already?",
		});
		expect(ports.findClash("n8n's port 5678 is already in use. Do you have another instance of n8n running already?")).toMatchObject({
			port: 5678,
			listener: 'HTTP server',
			variable: 'N8N_PORT',
		});
		expect(
			ports.findClash('Port 5678 is already in use, possibly by the n8n main process server. Please set a different port for the worker server.'),
		).toMatchObject({ port: 5678, listener: 'worker server', variable: 'QUEUE_HEALTH_CHECK_PORT' });
		expect(ports.findClash('Engine 2.0 control plane port 3001 is already in use')).toMatchObject({ port: 3001, variable: 'N8N_ENGINE_CONTROL_PLANE_PORT' });
		expect(ports.findClash('Error: listen EADDRINUSE: address already in use 127.0.0.1:5681')).toMatchObject({ port: 5681, variable: '' });
	});
});

describe('startN8n beside another n8n', () => {
	// a stand-in for n8n's CLI: `script` runs as `node <bin> start` with the environment startN8n gives
	let dir: string;
	const fakeN8n = (script: string) => {
		const bin = join(dir, `n8n-${Math.random().toString(36).slice(2)}.js`);
		writeFileSync(bin, script);
		return {
			nodeBin: process.execPath,
			bin,
			env: (userFolder: string, extra: Record<string, string> = {}) => ({ ...process.env, N8N_USER_FOLDER: userFolder, ...extra }),
		} as unknown as Parameters<typeof n8nLib.startN8n>[0];
	};
	/** Answers /healthz/readiness on N8N_PORT, prints the ports it was given, then does `then`. */
	const serving = (then: string) => `
		const http = require('node:http');
		http.createServer((req, res) => res.end('{"status":"ok"}')).listen(Number(process.env.N8N_PORT), () => {
			console.log('ports ' + process.env.N8N_PORT + ' ' + process.env.N8N_RUNNERS_BROKER_PORT);
			${then}
		});`;

	beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cometapi-ports-'))));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('refuses at once when the HTTP port is taken, naming it and its holder', async () => {
		const port = await ports.freePort();
		const other = await listen(port);
		try {
			const started = n8nLib.startN8n(fakeN8n('process.exit(3)'), dir, { port });
			await expect(started).rejects.toMatchObject({ name: 'PortInUseError', port });
			await expect(started).rejects.toThrow(new RegExp(`port ${port} for its HTTP server: it is in use.*N8N_PORT`));
		} finally {
			await close(other);
		}
	});

	it('gives the task broker a free port of its own unless one is given', async () => {
		const port = await ports.freePort();
		const server = await n8nLib.startN8n(fakeN8n(serving('')), dir, { port });
		try {
			expect(server.brokerPort).not.toBe(5679);
			expect(server.brokerPort).not.toBe(port);
			expect(server.output()).toContain(`ports ${port} ${server.brokerPort}`);
			expect(server.failure()).toBeUndefined();
		} finally {
			await server.stop();
		}
		const given = await ports.freePort();
		const second = await n8nLib.startN8n(fakeN8n(serving('')), dir, { port: await ports.freePort(), env: { N8N_RUNNERS_BROKER_PORT: String(given) } });
		await second.stop();
		expect(second.brokerPort).toBe(given);
	});

	it('fails at once when n8n reports a port clash while starting, not when a timeout runs out', async () => {
		const script = `console.log("n8n Task Broker's port 5679 is already in use. Do you have another instance of n8n running already?"); setInterval(() => {}, 1000);`;
		const startedAt = Date.now();
		await expect(n8nLib.startN8n(fakeN8n(script), dir, { port: await ports.freePort() })).rejects.toThrow(
			/port 5679 for its task runners' broker: it is in use.*N8N_RUNNERS_BROKER_PORT/,
		);
		expect(Date.now() - startedAt).toBeLessThan(10000);
	});

	it('stops waiting for the type lists once n8n exits after it answered (a broker clash after readiness)', async () => {
		const script = serving(`setTimeout(() => { console.log("n8n Task Broker's port 5679 is already in use."); process.exit(1); }, 2000);`);
		const server = await n8nLib.startN8n(fakeN8n(script), dir, { port: await ports.freePort() });
		const startedAt = Date.now();
		await expect(n8nLib.loadedTypes(async () => undefined, 240000, server.failure)).rejects.toMatchObject({ name: 'PortInUseError', port: 5679 });
		expect(Date.now() - startedAt).toBeLessThan(10000);
		await server.stop();
	});

	it('names an exit without a clash as an exit, with what n8n printed', async () => {
		const server = await n8nLib.startN8n(fakeN8n(serving(`setTimeout(() => { console.error('boom'); process.exit(2); }, 2000);`)), dir, {
			port: await ports.freePort(),
		});
		await expect(n8nLib.loadedTypes(async () => undefined, 240000, server.failure)).rejects.toThrow(/^n8n exited \(2\):\n[\s\S]*boom/);
	});
});
