// Removes build output so a build never ships stale files.
const { rmSync } = require('node:fs');
const { join } = require('node:path');

for (const name of ['dist', 'tsconfig.tsbuildinfo']) {
	rmSync(join(__dirname, '..', name), { recursive: true, force: true });
}
