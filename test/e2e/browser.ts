/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- test-only code, never shipped: it re-throws assertion errors */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, selectors, type Browser, type Locator, type Page } from 'playwright-core';

import * as n8nLib from '../../scripts/lib/n8n';

/*
 * What the editor e2e (editor.ts) needs from a browser: Debian's Chromium driven by playwright-core,
 * n8n's data-test-id attributes for getByTestId, polling waits for lists, and numbered screenshots.
 */

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium: CHROMIUM_PATH, else /usr/bin/chromium (`.ci/run` installs it with `apt-get install chromium`). */
export async function launchChromium(): Promise<Browser> {
	const executablePath = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
	if (!existsSync(executablePath)) {
		throw new Error(
			`Chromium not found at ${executablePath}: \`.ci/run\` installs it with \`apt-get install chromium\` ` +
				'(Debian/Ubuntu); or set CHROMIUM_PATH to a Chromium or Chrome binary.',
		);
	}
	// n8n marks its editor with data-test-id (playwright's default is data-testid)
	selectors.setTestIdAttribute('data-test-id');
	return await chromium.launch({
		executablePath,
		headless: true,
		// no sandbox: the tests run as root; the rest keeps Chromium off the network (closed on CI machines)
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}

/**
 * Reads a value until `check` accepts it (an expect-style wait for lists and texts that load or
 * filter asynchronously); throws the last assertion error after `timeoutMs`.
 */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 60000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		try {
			check(value);
			return value;
		} catch (error) {
			if (Date.now() > deadline) throw error;
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** The visible texts of the elements, first line of each (labels without their descriptions). */
export async function labels(locator: Locator): Promise<string[]> {
	const texts = await locator.filter({ visible: true }).allInnerTexts();
	return texts.map((text) => text.trim().split('\n')[0].trim());
}

/** Waits until the locator is visible. */
export async function visible(locator: Locator, timeout?: number): Promise<void> {
	await locator.waitFor({ state: 'visible', timeout });
}

/** Waits until the locator is hidden or gone. */
export async function hidden(locator: Locator, timeout?: number): Promise<void> {
	await locator.waitFor({ state: 'hidden', timeout });
}

/** Screenshots numbered in the order taken, in test-artifacts/editor/<version>/ (emptied first). */
export class Screenshots {
	readonly dir: string;
	private count = 0;

	constructor(version: string) {
		this.dir = join(n8nLib.ROOT, 'test-artifacts', 'editor', version);
		mkdirSync(this.dir, { recursive: true });
		for (const file of readdirSync(this.dir)) if (file.endsWith('.png')) rmSync(join(this.dir, file));
	}

	/** Saves NN-<step>.png and returns its path. */
	async take(page: Page, step: string): Promise<string> {
		this.count += 1;
		const path = join(this.dir, `${String(this.count).padStart(2, '0')}-${step}.png`);
		// panels slide in: the picture shows where their transitions end
		await page.screenshot({ path, animations: 'disabled' });
		return path;
	}
}
