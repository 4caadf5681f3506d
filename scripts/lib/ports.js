// The ports of the n8n processes this project starts (`npm run dev`, the e2e, the bench), chosen so
// that they run beside another n8n on the same machine. What n8n 2.8 and 2.41 listen on
// (@n8n/config, n8n's abstract-server.js, task-broker-server.js and worker-server.js):
//
//   N8N_PORT                 default 5678  the HTTP server of `n8n start` (on N8N_LISTEN_ADDRESS, '::')
//   N8N_RUNNERS_BROKER_PORT  default 5679  the task runners' broker, opened by every `n8n start`,
//                                          `n8n worker` and `n8n execute` (on 127.0.0.1)
//   QUEUE_HEALTH_CHECK_PORT  default 5678  a queue-mode worker's server, when its health check,
//                                          metrics or credentials endpoint is on (on '::')
//
// The task runners n8n starts itself (internal mode) get no health-check port from it, so they
// listen on nothing; the runners' launcher (external mode) is a separate program, not run here.
// n8n 2.41's engine-v2 module (N8N_ENGINE_PORT 3000, N8N_ENGINE_CONTROL_PLANE_PORT 3001) is off
// unless N8N_ENABLED_MODULES names it, which nothing here does.
// CommonJS, like n8n.js, so the scripts and the jest suites can require it.
'use strict';

const fs = require('node:fs');
const net = require('node:net');

/**
 * Tries to listen on `port` at `host`, then lets go.
 * @param {number} port
 * @param {string} host
 * @returns {Promise<string | undefined>} undefined when it could, else the error code (EADDRINUSE…)
 */
function tryListen(port, host) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', (/** @type {NodeJS.ErrnoException} */ error) => resolve(error.code ?? String(error)));
		server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
	});
}

/** Address families missing on this machine (no IPv6): the probe then uses IPv4's wildcard. */
const NO_FAMILY = new Set(['EAFNOSUPPORT', 'EADDRNOTAVAIL']);

/**
 * Why n8n could not listen on `port`, or undefined when it could: the port is probed on every
 * interface (IPv6's wildcard, which Linux also refuses when any IPv4 or IPv6 address holds the
 * port), as n8n's HTTP server listens; a port free there is free on loopback too.
 * @param {number} port
 * @returns {Promise<'EADDRINUSE' | 'EACCES' | string | undefined>}
 */
async function portProblem(port) {
	const v6 = await tryListen(port, '::');
	if (v6 === undefined || !NO_FAMILY.has(v6)) return v6;
	return await tryListen(port, '0.0.0.0');
}

/** Ports this process has handed out: the system may offer a port again once its probe is closed. */
const handedOut = new Set();

/**
 * A port free on every interface, never one this process has handed out before (a main instance
 * once got the same port for its HTTP server and its task broker, and could not start).
 * @returns {Promise<number>}
 */
async function freePort() {
	for (;;) {
		const port = await new Promise((resolve, reject) => {
			const listen = (/** @type {string} */ host) => {
				const server = net.createServer();
				server.once('error', (/** @type {NodeJS.ErrnoException} */ error) => {
					if (host === '::' && NO_FAMILY.has(error.code ?? '')) listen('0.0.0.0');
					else reject(error);
				});
				server.listen({ port: 0, host, exclusive: true }, () => {
					const { port: offered } = /** @type {import('node:net').AddressInfo} */ (server.address());
					server.close(() => resolve(offered));
				});
			};
			listen('::');
		});
		if (!handedOut.has(port)) {
			handedOut.add(port);
			return port;
		}
	}
}

/**
 * A free port near `from` (from+2 … from+21: 5680 and up beside n8n's 5678 and 5679), for a
 * suggestion a user can type; any free port when none of those is.
 * @param {number} from
 */
async function nearbyFreePort(from) {
	for (let port = from + 2; port < from + 22 && port < 65536; port++) {
		if (!handedOut.has(port) && (await portProblem(port)) === undefined) return port;
	}
	return await freePort();
}

/**
 * The process listening on TCP `port`, as far as this machine tells (Linux: /proc, for processes
 * of this user); undefined when it cannot tell.
 * @param {number} port
 * @returns {{ pid: number, command: string } | undefined}
 */
function portHolder(port) {
	if (process.platform !== 'linux') return undefined;
	const inodes = new Set();
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text;
		try {
			text = fs.readFileSync(table, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			const fields = line.trim().split(/\s+/);
			if (fields.length < 10 || fields[3] !== '0A') continue; // 0A: LISTEN
			if (parseInt(fields[1].split(':').pop() ?? '', 16) === port) inodes.add(fields[9]);
		}
	}
	if (inodes.size === 0) return undefined;
	let pids;
	try {
		pids = fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
	} catch {
		return undefined;
	}
	for (const pid of pids) {
		let fds;
		try {
			fds = fs.readdirSync(`/proc/${pid}/fd`);
		} catch {
			continue; // gone, or another user's
		}
		for (const fd of fds) {
			let link;
			try {
				link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
			} catch {
				continue;
			}
			const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
			if (inode === undefined || !inodes.has(inode)) continue;
			let command = '';
			try {
				command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
			} catch {
				// gone meanwhile
			}
			return { pid: Number(pid), command: command.length > 160 ? `${command.slice(0, 157)}...` : command };
		}
	}
	return undefined;
}

/** " (held by pid 123: node …/n8n start)", or "" when the holder is unknown. */
function holderText(/** @type {number} */ port) {
	const holder = portHolder(port);
	if (!holder) return '';
	return ` (held by pid ${holder.pid}${holder.command ? `: ${holder.command}` : ''})`;
}

/**
 * What n8n prints when one of its listeners finds its port taken (n8n 2.8 and 2.41), and Node's
 * own EADDRINUSE error for any other listener.
 */
const CLASH_PATTERNS = [
	{ pattern: /n8n's port (\d+) is already in use/, listener: 'HTTP server', variable: 'N8N_PORT' },
	{ pattern: /Task Broker's port (\d+) is already in use/, listener: 'task runners\' broker', variable: 'N8N_RUNNERS_BROKER_PORT' },
	{ pattern: /Port (\d+) is already in use, possibly by the n8n main process/, listener: 'worker server', variable: 'QUEUE_HEALTH_CHECK_PORT' },
	{ pattern: /Engine 2\.0 control plane port (\d+) is already in use/, listener: 'engine-v2 control plane', variable: 'N8N_ENGINE_CONTROL_PLANE_PORT' },
	{ pattern: /EADDRINUSE[^\n]*?:(\d+)\b/, listener: 'listener', variable: '' },
	{ pattern: /Port (\d+) is already in use/, listener: 'listener', variable: '' },
];

/**
 * The first port clash n8n reported in its output, if any.
 * @param {string} output
 * @returns {{ port: number, listener: string, variable: string, line: string } | undefined}
 */
function findClash(output) {
	for (const { pattern, listener, variable } of CLASH_PATTERNS) {
		const match = pattern.exec(output);
		if (!match) continue;
		const start = output.lastIndexOf('\n', match.index) + 1;
		const end = output.indexOf('\n', match.index);
		const line = output.slice(start, end === -1 ? undefined : end).trim();
		return { port: Number(match[1]), listener, variable, line };
	}
	return undefined;
}

module.exports = { findClash, freePort, holderText, nearbyFreePort, portHolder, portProblem };
