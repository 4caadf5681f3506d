// Runs n8n's community package scanner (@n8n/scan-community-package) offline, the way n8n checks
// a package before verifying it: on the source, and on the tarball npm would publish.
// Usage: npm run scan   (builds, packs into a temporary folder, scans both, exits 1 on any finding)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(path.join(tmpdir(), 'cometapi-scan-'));
let ok = true;

try {
	execFileSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
	const packed = JSON.parse(
		execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
	);
	const tarball = path.join(work, packed[0].filename);

	const source = await analyzePackage(root, SOURCE_FILE_PATTERNS);
	console.log(`source leg:  ${source.passed ? 'PASS' : `FAIL ${source.message}\n${source.details ?? ''}`}`);
	ok &&= source.passed;

	const unpacked = path.join(work, 'package');
	execFileSync('tar', ['-xzf', tarball, '-C', work]);
	const dist = await analyzePackage(unpacked, ['**/*.js', 'package.json']);
	console.log(`tarball leg: ${dist.passed ? 'PASS' : `FAIL ${dist.message}\n${dist.details ?? ''}`}`);
	ok &&= dist.passed;
	console.log(`tarball: ${packed[0].filename}, ${packed[0].entryCount} files, ${packed[0].size} bytes`);
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
