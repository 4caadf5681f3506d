/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test-only code: it runs npm pack to see what would be published */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Checks the package n8n installs: what npm would publish, and the compiled node in it.
const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('package.json', () => {
	it('is a community node package with no runtime dependencies', () => {
		expect(pkg.name).toBe('n8n-nodes-cometapi-image');
		expect(pkg.license).toBe('MIT');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.dependencies).toBeUndefined();
		expect(pkg.overrides).toBeUndefined();
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) {
			expect(pkg.scripts[script]).toBeUndefined();
		}
		expect(pkg.n8n).toEqual({
			n8nNodesApiVersion: 1,
			strict: true,
			credentials: ['dist/credentials/CometApi.credentials.js'],
			nodes: ['dist/nodes/CometApi/CometApi.node.js'],
		});
	});
});

describe('the packed tarball', () => {
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const [packed] = JSON.parse(
		execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
	) as Array<{ files: Array<{ path: string }> }>;
	const files = packed.files.map((f) => f.path);

	it('holds the compiled node, credential, codex and icons', () => {
		expect(files).toEqual(
			expect.arrayContaining([
				'package.json',
				'README.md',
				'LICENSE',
				'dist/nodes/CometApi/CometApi.node.js',
				'dist/nodes/CometApi/CometApi.node.json',
				'dist/nodes/CometApi/cometapi.svg',
				'dist/nodes/CometApi/cometapi.dark.svg',
				'dist/credentials/CometApi.credentials.js',
				'dist/credentials/cometapi.svg',
				'dist/credentials/cometapi.dark.svg',
			]),
		);
	});

	it('holds no tests, sources or build leftovers', () => {
		expect(files.filter((f) => /(^|\/)test\/|\.test\.|\.ts$(?<!\.d\.ts$)|tsbuildinfo|\.tgz$/.test(f))).toEqual([]);
		expect(files.every((f) => f.startsWith('dist/') || ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f))).toBe(true);
	});

	it('has the icons byte for byte as in the sources', () => {
		for (const icon of ['nodes/CometApi/cometapi.svg', 'nodes/CometApi/cometapi.dark.svg', 'credentials/cometapi.svg', 'credentials/cometapi.dark.svg']) {
			expect(readFileSync(join(root, 'dist', icon))).toEqual(readFileSync(join(root, icon)));
		}
	});

	it('its compiled node and credential load and describe the same node as the sources', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { CometApi } = require(join(root, 'dist/nodes/CometApi/CometApi.node.js'));
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const credential = require(join(root, 'dist/credentials/CometApi.credentials.js'));
		const compiled = new CometApi();
		expect(compiled.description.name).toBe('cometApi');
		expect(compiled.description.properties.map((p: { name: string }) => p.name)).toContain('prompt');
		expect(new credential.CometApi().name).toBe('cometApi');
		const codex = JSON.parse(readFileSync(join(root, 'dist/nodes/CometApi/CometApi.node.json'), 'utf8'));
		expect(codex.node).toBe('n8n-nodes-cometapi-image.cometApi');
	});
});

/*
 * Found by search: an npm or n8n search for any family the node serves, or for what people type
 * when they look for it, finds the package (keywords) and the node (the codex's aliases), and the
 * README names it. Add a family here when the node gains one.
 */
const FAMILIES = ['gpt-image', 'Seedream', 'Gemini', 'Nano Banana', 'Midjourney', 'Flux', 'Kling', 'Bria', 'Replicate'];
const SEARCH_TERMS = ['gpt-image-1', 'gpt-image-2', 'FLUX.2', 'Kontext', 'upscale', 'background', 'inpaint', 'image generation', 'image editing'];

/** "Nano Banana", "nano-banana" and "nano banana" are one search term; so are "FLUX.2" and "flux-2". */
const normal = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

describe('found by search', () => {
	const readme = readFileSync(join(root, 'README.md'), 'utf8');
	const codex = JSON.parse(readFileSync(join(root, 'nodes/CometApi/CometApi.node.json'), 'utf8')) as { alias: string[] };
	const aliases = codex.alias.map(normal);
	const keywords = (pkg.keywords as string[]).map(normal);

	it('the README is a guide read at once: at most 35,000 bytes (reference pages live in docs/)', () => {
		expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(35_000);
	});

	it.each(FAMILIES)('the family %s is in the README, the codex aliases and the npm keywords', (family) => {
		expect(normal(readme)).toContain(normal(family));
		expect(aliases).toContain(normal(family));
		expect(keywords).toContain(normal(family));
	});

	it.each(SEARCH_TERMS)('the search term %s is found by the codex aliases, the npm keywords and the README', (term) => {
		expect(aliases.some((alias) => alias.includes(normal(term)))).toBe(true);
		expect(keywords.some((keyword) => keyword.includes(normal(term)))).toBe(true);
		expect(normal(readme)).toContain(normal(term));
	});

	it('the description names every family', () => {
		for (const family of FAMILIES) expect(normal(pkg.description)).toContain(normal(family));
	});

	it('the README\'s table of resources lists exactly the node\'s resources, each with its docs page', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { CometApi } = require(join(root, 'dist/nodes/CometApi/CometApi.node.js'));
		const resource = (new CometApi().description.properties as Array<{ name: string; options?: Array<{ name: string }> }>).find(
			(property) => property.name === 'resource',
		);
		const nodeResources = (resource?.options ?? []).map((option) => option.name).sort();
		const rows = [...readme.matchAll(/^\| \[\*\*([^*]+)\*\*\]\(#[^)]+\) \|.*\| \[(docs\/[\w-]+\.md)\]/gm)];
		expect(rows.map((row) => row[1]).sort()).toEqual(nodeResources);
		for (const row of rows) expect(readdirSync(join(root, 'docs'))).toContain(row[2].slice('docs/'.length));
	});

	it('the README has one table of the mask rules per family, as the mask fields\' hints state them', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { MASK_RULES } = require(join(root, 'dist/nodes/CometApi/actions/binary-fields.description.js'));
		const section = readme.split(/^## /m).filter((part) => part.startsWith('Masks\n'));
		expect(section).toHaveLength(1);
		const row = (family: string) => section[0].split('\n').find((line) => line.startsWith(`| ${family}`)) ?? '';
		expect(MASK_RULES.transparent).toMatch(/^fully transparent pixels are edited, opaque pixels are kept$/);
		expect(MASK_RULES.white).toMatch(/^white pixels are edited, black pixels are kept$/);
		expect(row('Image → Edit Image')).toMatch(/\| fully transparent \| opaque \|/);
		expect(row('Bria → Edit Image')).toMatch(/\| white \| black \|/);
		expect(row('Midjourney → Vary Region')).toMatch(/\| white \| black \|/);
		expect(readme).toContain('[Masks](#masks)');
	});

	it('the node\'s Docs links are pages without a #fragment (n8n appends its tracking parameters to them)', () => {
		const { resources } = JSON.parse(readFileSync(join(root, 'nodes/CometApi/CometApi.node.json'), 'utf8')) as {
			resources: Record<string, Array<{ url: string }>>;
		};
		const urls = Object.values(resources).flat().map((link) => link.url);
		expect(urls.length).toBeGreaterThan(0);
		for (const url of urls) expect(url).toMatch(/^https:\/\/[^#?]+$/);
	});

	it('every page in docs/ is linked from the README', () => {
		const pages = readdirSync(join(root, 'docs')).filter((file) => file.endsWith('.md'));
		expect(pages.length).toBeGreaterThan(0);
		for (const page of pages) expect(readme).toContain(`](docs/${page})`);
	});
});

describe('the version', () => {
	it('is the changelog\'s first heading', () => {
		const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
		expect(changelog.match(/^## (\S+)/m)?.[1]).toBe(pkg.version);
	});
});
