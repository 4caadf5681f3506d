#!/usr/bin/env node
// npm run dev: build this package, install a real n8n into .cache/ (once), install the package
// into a local n8n user folder (.n8n-dev/n8n-<version>/) the way the Community Nodes panel does, and start n8n
// on http://localhost:5678 with its default SQLite database.
//
//   npm run dev                      the newest n8n that runs on your Node (Node 20: 2.8.4, Node >= 24: 2.41.1)
//   npm run dev -- --n8n 2.41.1      a given release (a Node it runs on is fetched from npm when needed)
//   npm run dev -- --port 5679       another port
//   npm run dev -- --check           start (on a free port), check the node list, stop: .ci/run does this
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const n8nLib = require('./lib/n8n');

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
	const release = args.n8n ? n8nLib.findRelease(args.n8n) : n8nLib.releaseForCurrentNode();

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
	// --check needs no fixed URL: it takes a free port unless told otherwise
	const port = args.port || (args.check ? await n8nLib.freePort() : 5678);
	const startedAt = Date.now();
	const server = await n8nLib.startN8n(n8n, userFolder, { port, stdio: args.check ? 'pipe' : 'inherit' });
	const stop = async () => {
		await server.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);

	const { node, credential } = await n8nLib.loadedTypes(n8nLib.typesOnDisk(userFolder, startedAt));
	if (!node || !credential) {
		await server.stop();
		throw new Error(
			`n8n started but does not list ${node ? '' : `the node ${n8nLib.PACKAGE_NAME}.cometApi `}${credential ? '' : 'the credential cometApi'}`,
		);
	}
	const loaded = `  "${node.displayName}" node and "${credential.displayName}" credential are loaded.`;
	if (args.check) {
		console.log(`n8n ${release.version} started on ${server.url}\n${loaded}\nCheck passed; stopping.`);
		await stop();
	}
	console.log(
		[
			'',
			`  n8n ${release.version} is running: ${server.url}`,
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
