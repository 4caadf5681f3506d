/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code: it reads the tree to check the test layout */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * Tests mirror the code (docs/development.md, Architecture): a source file's tests sit at the same
 * path under test/, named after it (`send.ts`: `send.test.ts`, or `send.<aspect>.test.ts`). Every
 * test file under test/nodes and test/credentials names a source file that exists, and every source
 * file without a test of its own is named, with the test that covers it, in the Architecture section.
 */

const ROOT = join(__dirname, '..');

function filesUnder(dir: string, ending: string): string[] {
	return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
		.filter((file) => file.endsWith(ending))
		.map((file) => relative(ROOT, join(ROOT, dir, file)).split('\\').join('/'));
}

/** The source file a test file is about: its path without `test/`, its name up to a `.<aspect>` that names no file. */
function sourceOf(testFile: string): string | undefined {
	const parts = testFile.replace(/^test\//, '').replace(/\.test\.ts$/, '').split('.');
	for (let length = parts.length; length > 0; length--) {
		const candidate = `${parts.slice(0, length).join('.')}.ts`;
		if (existsSync(join(ROOT, candidate))) return candidate;
	}
	return undefined;
}

const testFiles = [...filesUnder('test/nodes', '.test.ts'), ...filesUnder('test/credentials', '.test.ts')];
const sources = [...filesUnder('nodes', '.ts'), ...filesUnder('credentials', '.ts')].filter((file) => !file.endsWith('.d.ts'));

describe('tests mirror the code', () => {
	it('there are tests to check', () => {
		expect(testFiles.length).toBeGreaterThan(50);
	});

	it.each(testFiles)('%s is named after a source file at the mirrored path', (testFile) => {
		expect(sourceOf(testFile)).toBeDefined();
	});

	it('every source file without a test of its own is named in docs/development.md (Architecture), with what covers it', () => {
		const tested = new Set(testFiles.map(sourceOf));
		const untested = sources.filter((file) => !tested.has(file));
		const docs = readFileSync(join(ROOT, 'docs/development.md'), 'utf8');
		const architecture = /^## Architecture\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(docs)?.[1] ?? '';
		expect(untested.filter((file) => !architecture.includes(`\`${file.replace(/^nodes\/CometApi\//, '')}\``))).toEqual([]);
	});
});
