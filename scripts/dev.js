#!/usr/bin/env node
// npm run dev: build this package, install a real n8n into .cache/ (once), install the package
// into a local n8n user folder (.n8n-dev/n8n-<version>/) the way the Community Nodes panel does, and start n8n
// on http://localhost:5678 with its default SQLite database.
//
//   npm run dev                      the newest n8n that runs on your Node (Node 20: 2.8.4, Node >= 24: 2.41.1)
//   npm run dev -- --n8n 2.41.1      a given release (a Node it runs on is fetched from npm when needed)
//   npm run dev -- --port 5690       another port
//   npm run dev -- --check           start (on a free port), check the node list, stop: .ci/run does this
//
// Beside another n8n: the editor's port is 5678 (or --port) and is never moved silently. When it is
// taken, this stops before building and says which port, which process holds it (when the system
// tells) and a free port to pass with --port. Every other port n8n listens on (the task runners'
// broker, 5679 by default) is always a free port chosen here. When n8n reports a port clash or exits
// while starting, this fails at once with the cause.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const n8nLib = require('./lib/n8n');
const ports = require('./lib/ports');

/** Where the README says the editor is. */
const DEFAULT_PORT = 5678;

/**
 * Fails before anything is built when n8n could not listen on `port`.
 * @param {number} port
 * @param {boolean} chosen given with --port
 */
async function ensurePortFree(port, chosen) {
	const problem = await ports.portProblem(port);
	if (problem === undefined) return;
	const suggestion = await ports.nearbyFreePort(chosen ? port : DEFAULT_PORT);
	const why = problem === 'EADDRINUSE' ? `is in use${ports.holderText(port)}` : `cannot be used (${problem})`;
	throw new Error(
		[
			`Port ${port}${chosen ? '' : ", n8n's default,"} ${why}${problem === 'EADDRINUSE' ? ': another n8n?' : '.'}`,
			`Stop that process, or start on another port: npm run dev -- --port ${suggestion}   (${suggestion} is free now)`,
		].join('\n'),
	);
}

/** A port clash on the editor's port (taken after the check) gets the --port advice too. */
function withPortAdvice(/** @type {unknown} */ error, /** @type {number} */ port) {
	if (error instanceof Error && error.name === 'PortInUseError' && /** @type {{ port?: number }} */ (error).port === port) {
		error.message = error.message.replace(/ or set N8N_PORT to a free port\.$/, ' or start on another port: npm run dev -- --port <port>.');
	}
	return error;
}

function parseArgs(argv) {
	const args = { n8n: '', port: 0, check: false };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--n8n') args.n8n = argv[++i];
		else if (argv[i] === '--port') args.port = Number(argv[++i]);
		else if (argv[i] === '--check') args.check = true;
		else throw new Error(`unknown argument ${argv[i]} (use --n8n <version>, --port <port>, --check)`);
	}
	return args;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	// n8n runs in its own process group (so that stopping it ends its task runner too): Ctrl+C
	// reaches only this process, which stops it, also while it is still starting
	const interrupted = async () => {
		await n8nLib.stopStarted();
		process.exit(0);
	};
	process.on('SIGINT', interrupted);
	process.on('SIGTERM', interrupted);
	const release = args.n8n ? n8nLib.findRelease(args.n8n) : n8nLib.releaseForCurrentNode();
	// --check needs no fixed URL: it takes a free port unless told otherwise
	const port = args.port || (args.check ? await n8nLib.freePort() : DEFAULT_PORT);
	await ensurePortFree(port, args.port !== 0);

	n8nLib.log('building the package');
	execFileSync(n8nLib.npmCommand, ['run', 'build', '--silent'], { cwd: n8nLib.ROOT, stdio: 'inherit' });

	const n8n = await n8nLib.ensureN8n(release);

	// one user folder per release: a database migrated by a newer n8n is not for an older one
	const userFolder = path.join(n8nLib.ROOT, '.n8n-dev', `n8n-${release.version}`);
	const shownFolder = path.relative(n8nLib.ROOT, userFolder);
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cometapi-dev-'));
	try {
		const target = n8nLib.installCommunityPackage(userFolder, n8nLib.packPackage(work));
		n8nLib.log(`installed the package into ${path.relative(n8nLib.ROOT, target)}`);
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}

	n8nLib.log(`starting n8n ${release.version} on Node ${n8n.node.version} (user folder ${shownFolder}, SQLite)`);
	const startedAt = Date.now();
	// piped (and echoed unless --check) so that a port clash in its output ends the start at once
	const server = await n8nLib.startN8n(n8n, userFolder, { port, stdio: 'pipe', echo: !args.check }).catch((error) => {
		throw withPortAdvice(error, port);
	});
	const { node, credential } = await n8nLib
		.loadedTypes(n8nLib.typesOnDisk(userFolder, startedAt), undefined, server.failure)
		.catch(async (error) => {
			await server.stop();
			throw withPortAdvice(error, port);
		});
	if (!node || !credential) {
		await server.stop();
		throw new Error(
			`n8n started but does not list ${node ? '' : `the node ${n8nLib.PACKAGE_NAME}.cometApi `}${credential ? '' : 'the credential cometApi'}`,
		);
	}
	const loaded = `  "${node.displayName}" node and "${credential.displayName}" credential are loaded.`;
	if (args.check) {
		console.log(`n8n ${release.version} started on ${server.url} (task broker on port ${server.brokerPort})\n${loaded}\nCheck passed; stopping.`);
		await server.stop();
		process.exit(0);
	}
	console.log(
		[
			'',
			`  n8n ${release.version} is running: ${server.url}   (its task broker on port ${server.brokerPort})`,
			loaded,
			`  First visit: create the owner account (stored only in ${shownFolder}/).`,
			'  After changing the code, stop with Ctrl+C and run `npm run dev` again.',
			'',
		].join('\n'),
	);
	const code = await server.exited;
	process.exit(typeof code === 'number' ? code : 1);
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
