/* eslint-disable @n8n/community-nodes/require-node-api-error -- test-only code, never shipped: a failed step re-throws its assertion error */
import { randomUUID } from 'node:crypto';

import type { Browser, BrowserContext, Page } from 'playwright-core';

import * as n8nLib from '../../scripts/lib/n8n';
import { API_KEY, startFakeCometApi, type FakeCometApi } from '../helpers/fake-cometapi';
import { eventually, hidden, labels, launchChromium, Screenshots, visible } from './browser';
import { N8nInstance } from './n8n-instance';
import { describeRelease } from './releases';

/*
 * The editor as a user sees it, in a real n8n release with the packed package installed as a
 * community package, driven in headless Chromium: the owner set up on the setup page, a CometAPI
 * credential made and tested in its modal, the node found in the node panel's searches, its actions,
 * model lists and options. Every step saves a screenshot to test-artifacts/editor/<version>/.
 * The steps run in order in one browser page; each builds on the one before.
 */

const OWNER = { email: 'owner@example.com', firstName: 'Ada', lastName: 'Owner', password: `Owner-${randomUUID().slice(0, 8)}-1` };
const WRONG_KEY = `sk-wrong-${randomUUID().replace(/-/g, '')}`;
const DEFAULT_BASE_URL = 'https://api.cometapi.com/v1';
/** The node's name, every family, and task words people type (the codex aliases). */
const SEARCH_TERMS = ['CometAPI', 'image', 'gpt-image', 'seedream', 'midjourney', 'flux', 'gemini', 'kling', 'bria', 'replicate', 'upscale', 'inpaint', 'background'];

/** Models of the fake CometAPI's GET /models that no image operation lists. */
const NOT_IMAGE_MODELS = ['gpt-4o-mini', 'claude-sonnet-4', 'text-embedding-3-small'];

interface Action {
	/** The node panel's group of the action (one per resource) and the action's label there. */
	group: string;
	label: string;
	/** What the parameter panel's Resource, Operation and Model show, and the canvas under the node. */
	resource: string;
	operation: string;
	subtitle: string;
	/** Its model picker's default (none: the operation has no model, e.g. Midjourney's). */
	model?: string;
	/** Model IDs of the fake API that its "From list" must list, and must not. */
	listed?: string[];
	unlisted?: string[];
	/** A search in the list that leaves fewer IDs, among them `found`. */
	search?: { term: string; found: string };
}

/** A task family's actions: [resource, label, operation], its subtitle "Resource: Operation". */
function taskFamilyActions(rows: ReadonlyArray<readonly [string, string, string]>): Action[] {
	return rows.map(([resource, label, operation]) => ({ group: `${resource} Actions`, label, resource, operation, subtitle: `${resource}: ${operation}` }));
}

/** The actions as the node panel lists them: one group per resource, in order. */
const ACTIONS: Action[] = [
	// resource Image first (its Generate Image is the highlighted first action), then the families
	// alphabetically, each with its main action first; the chat action's label from the panel change
	{
		group: 'Image Actions',
		label: 'Generate an image',
		resource: 'Image',
		operation: 'Generate Image',
		subtitle: 'Generate Image',
		model: 'gpt-image-1',
		listed: ['gpt-image-1', 'dall-e-3', 'doubao-seedream-4-0-250828'],
		unlisted: NOT_IMAGE_MODELS,
		search: { term: 'dall', found: 'dall-e-3' },
	},
	{
		group: 'Image Actions',
		label: 'Edit an image',
		resource: 'Image',
		operation: 'Edit Image',
		subtitle: 'Edit Image',
		model: 'gpt-image-1',
		listed: ['gpt-image-1', 'doubao-seedream-4-0-250828'],
		unlisted: [...NOT_IMAGE_MODELS, 'dall-e-3'],
		search: { term: 'seed', found: 'doubao-seedream-4-0-250828' },
	},
	{
		group: 'Image Actions',
		label: 'Generate or edit an image with a chat model',
		resource: 'Image',
		operation: 'Generate with Chat Model',
		subtitle: 'Generate with Chat Model',
		model: 'gpt-4o-image',
		listed: ['gpt-4o-image', 'gemini-2.5-flash-image'],
		unlisted: NOT_IMAGE_MODELS,
		search: { term: 'gemini', found: 'gemini-2.5-flash-image' },
	},
	// resource Bria
	...taskFamilyActions([
		['Bria', 'Edit an image', 'Edit Image'],
		['Bria', 'Generate images', 'Generate Image'],
		['Bria', 'Generate vector graphics', 'Generate Vector'],
		['Bria', 'Get a Bria task', 'Get Task'],
	]),
	// resource Flux
	...taskFamilyActions([
		['Flux', 'Generate or edit an image', 'Generate or Edit Image'],
		['Flux', 'Get a Flux task', 'Get Task'],
	]),
	// resource Gemini
	{
		group: 'Gemini Actions',
		label: 'Generate or edit an image',
		resource: 'Gemini',
		operation: 'Generate or Edit Image',
		subtitle: 'Gemini: Generate or Edit Image',
		model: 'gemini-3.1-flash-image',
		listed: ['gemini-2.5-flash-image', 'gemini-3.1-flash-image'],
		unlisted: [...NOT_IMAGE_MODELS, 'gpt-image-1', 'gpt-4o-image', 'dall-e-3'],
	},
	// resource Kling
	...taskFamilyActions([
		['Kling', 'Generate images', 'Generate Image'],
		['Kling', 'Get a Kling task', 'Get Task'],
	]),
	// resource Midjourney: Imagine first, then the others in the order of their names (no model picker)
	...(
		[
			['Imagine an image from a prompt', 'Imagine', 'Imagine'],
			['Press a button to upscale or vary an image', 'Action (Upscale, Vary, Reroll…)', 'Action'],
			['Blend images', 'Blend', 'Blend'],
			['Describe an image as prompts', 'Describe', 'Describe'],
			['Get a Midjourney task and its images', 'Get Task', 'Get Task'],
			['Vary a region of an image', 'Vary Region / Modal', 'Vary Region'],
		] as const
	).map(([label, operation, subtitle]) => ({ group: 'Midjourney Actions', label, resource: 'Midjourney', operation, subtitle: `Midjourney: ${subtitle}` })),
	// resource Replicate
	...taskFamilyActions([
		['Replicate', 'Run a model', 'Run Model'],
		['Replicate', 'Get a Replicate task', 'Get Task'],
	]),
];

/** The node's name on the canvas: its label, numbered from 1 when the label is already taken (n8n's rule). */
function nodeName(action: Action): string {
	const index = ACTIONS.filter((a) => a.label === action.label).indexOf(action);
	return index === 0 ? action.label : `${action.label}${index}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (text: string) => new RegExp(`^${escapeRegExp(text)}$`);

export function editorSuite(version: string) {
	describeRelease(version, () => {
		let api: FakeCometApi;
		let n8n: N8nInstance;
		let server: Awaited<ReturnType<typeof n8nLib.startN8n>>;
		let browser: Browser;
		let context: BrowserContext;
		let page: Page;
		let shots: Screenshots;

		// the editor's building blocks (locators resolve when used)
		const creator = () => page.getByTestId('node-creator');
		const creatorSearch = () => creator().getByTestId('node-creator-search-bar');
		const creatorNames = () => creator().getByTestId('node-creator-item-name');
		const creatorItem = (name: string) =>
			creator()
				.getByTestId('item-iterator-item')
				.filter({ has: page.getByTestId('node-creator-item-name').filter({ hasText: exactly(name) }) });
		const actionItems = () => creator().locator('[data-keyboard-nav-type="action"]');
		const ndv = () => page.getByTestId('ndv');
		const canvasNode = (name: string) => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

		/** Types into the node panel's search and waits until `name` is among the results. */
		async function searchFinds(term: string, name: string): Promise<string[]> {
			await creatorSearch().fill(term);
			return await eventually(
				() => labels(creatorNames()),
				(names) => expect(names).toContain(name),
			);
		}

		async function closeNodeCreator() {
			await page.keyboard.press('Escape');
			await hidden(creator());
		}

		async function closeNdv() {
			await ndv().getByTestId('ndv-close-button').or(ndv().getByTestId('back-to-canvas')).first().click();
			await hidden(ndv());
		}

		/** Closes any dialog n8n opens on its own (surveys, announcements). */
		async function dismissDialogs() {
			for (const close of await page.locator('.el-dialog:visible .el-dialog__headerbtn').all()) await close.click();
		}

		/** A new workflow's empty canvas. */
		async function newWorkflow() {
			await page.goto(`${server.url}/workflow/new`);
			await visible(page.getByTestId('canvas-add-button'), 60000);
			await dismissDialogs();
		}

		/** Adds a Manual Trigger from the empty canvas's "Add first step". */
		async function addManualTrigger() {
			await page.getByTestId('canvas-plus-button').click();
			await creatorItem('Trigger manually').click();
			await visible(canvasNode('When clicking ‘Execute workflow’'));
		}

		/** A test whose failure also saves a screenshot of what the page showed (NN-failed-step-N.png). */
		function step(title: string, body: () => Promise<void>) {
			it(
				title,
				async () => {
					try {
						await body();
					} catch (error) {
						await shots.take(page, `failed-step-${title.split('.')[0]}`).catch(() => undefined);
						throw error;
					}
				},
				// a step takes 10–70 s, depending on how busy the machine is
				300000,
			);
		}

		beforeAll(async () => {
			shots = new Screenshots(version);
			api = await startFakeCometApi();
			n8n = await N8nInstance.create(version);
			// no owner yet: the first step creates it on the setup page
			server = await n8nLib.startN8n(n8n.n8n, n8n.userFolder, { port: await n8nLib.freePort(), env: n8n.env() });
			// n8n 2.8 answers its readiness check a moment before it registers the REST routes
			await eventually(
				async () => (await fetch(`${server.url}/rest/settings`)).status,
				(status) => expect(status).toBe(200),
				60000,
			);
			browser = await launchChromium();
			context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
			page = await context.newPage();
			// generous: on a busy 2-core machine the editor's first load alone takes 10–60 s
			page.setDefaultTimeout(60000);
			page.setDefaultNavigationTimeout(120000);
			// n8n's first start migrates its database: minutes on a busy machine (startN8n waits while it progresses)
		}, 600000);

		afterAll(async () => {
			await browser?.close();
			await server?.stop();
			await api?.close();
			await n8n?.cleanUp();
		});

		step('1. the owner account is created on the setup page, then an empty canvas opens', async () => {
			await page.goto(server.url);
			await page.waitForURL(/\/setup/);
			const form = page.getByTestId('auth-form');
			await visible(form.getByText('Set up owner account'));
			const fields = (await labels(form.locator('label'))).map((label) => label.replace(/\s*\*$/, ''));
			expect(fields.slice(0, 4)).toEqual(['Email', 'First Name', 'Last Name', 'Password']);
			await page.getByTestId('email').locator('input').fill(OWNER.email);
			await page.getByTestId('firstName').locator('input').fill(OWNER.firstName);
			await page.getByTestId('lastName').locator('input').fill(OWNER.lastName);
			await page.getByTestId('password').locator('input').fill(OWNER.password);
			await shots.take(page, 'owner-setup');
			await page.getByTestId('form-submit-button').click();
			await page.waitForURL((url) => !url.pathname.startsWith('/setup'), { timeout: 60000 });

			if (version === '2.8.4') {
				await visible(page.getByText(`Welcome, ${OWNER.firstName}!`));
			} else {
				// n8n 2.41 opens its Assistant onboarding after the setup; a user can postpone it
				const later = page.getByRole('button', { name: 'Set up later in Settings' });
				await visible(later, 60000);
				await visible(page.getByText('Build and debug faster with the n8n Assistant'));
				await shots.take(page, 'assistant-onboarding');
				await later.click();
				await page.waitForURL(/\/home\//);
			}

			await newWorkflow();
			await visible(page.getByTestId('canvas-add-button').getByText('Add first step'));
			expect(await page.locator('.el-dialog:visible').count()).toBe(0);
			await shots.take(page, 'canvas');
		});

		step('2. a CometAPI API credential: tested with the key, refused with a wrong key, a notice for a Base URL without scheme', async () => {
			await page.goto(`${server.url}/home/credentials`);
			await page.getByTestId('add-resource-credential').click();
			const chooser = page.getByTestId('selectCredential-modal');
			await visible(chooser.getByText('Add new credential'));
			await chooser.getByTestId('new-credential-type-select').click();
			await page.keyboard.type('CometAPI');
			const option = page.getByTestId('new-credential-type-select-option').filter({ visible: true });
			await eventually(
				() => labels(option),
				(names) => expect(names).toEqual(['CometAPI API']),
			);
			await option.click();
			await chooser.getByTestId('new-credential-type-button').click();

			const modal = page.getByTestId('editCredential-modal');
			// (n8n keeps hidden copies of names to measure them: only the visible ones count)
			await visible(modal.getByText('CometAPI account', { exact: true }).filter({ visible: true }));
			await visible(modal.getByText('CometAPI API', { exact: true }).filter({ visible: true }));
			// the fields in order: API Key (required), then Base URL
			const form = await modal.getByTestId('node-credentials-config-container').innerText();
			expect(form).toMatch(/\nAPI Key \*\n(.*\n)*Base URL\n/);
			const keyInput = modal.getByTestId('parameter-input-apiKey').locator('input');
			const baseUrlInput = modal.getByTestId('parameter-input-baseUrl').locator('input');
			expect(await keyInput.getAttribute('type')).toBe('password');
			expect(await baseUrlInput.inputValue()).toBe(DEFAULT_BASE_URL);
			const success = modal.getByTestId('credentials-config-container-test-success');
			const failure = modal.getByText(/Couldn.t connect with these settings/);

			// the right key: Save tests it with GET /models
			await keyInput.fill(API_KEY);
			await baseUrlInput.fill(api.baseUrl);
			api.reset();
			await modal.getByTestId('credential-save-button').click();
			await visible(success.getByText('Connection tested successfully'));
			expect(api.requests.length).toBeGreaterThan(0);
			for (const r of api.requests) expect(`${r.method} ${r.path} ${r.headers.authorization}`).toBe(`GET /v1/models Bearer ${API_KEY}`);
			await shots.take(page, 'credential-tested');

			// a wrong key: CometAPI answers 401; n8n shows its own message for it
			await keyInput.fill(WRONG_KEY);
			api.reset();
			await modal.getByTestId('credential-save-button').click();
			await visible(failure);
			await hidden(success);
			await modal.getByText('More details').click();
			// the credential's test rule for 401 says the key is invalid; n8n 2.8 keeps its own text for a
			// 401 whatever the rules say
			await visible(
				version === '2.8.4'
					? modal.getByText('Authorization failed - please check your credentials', { exact: true })
					: modal.getByText(/Invalid API key: CometAPI refused it/).first(),
			);
			// (2.41 tests a saved credential twice)
			expect(api.requests.length).toBeGreaterThan(0);
			for (const request of api.requests) expect(request.headers.authorization).toBe(`Bearer ${WRONG_KEY}`);
			const pageText = await page.locator('body').innerText();
			expect(pageText).not.toContain(WRONG_KEY);
			expect(pageText).not.toContain(API_KEY);
			await shots.take(page, 'credential-wrong-key');

			// ── panel change (commit b5cc819): the notice for a Base URL without http:// or https:// ──
			await keyInput.fill(API_KEY);
			const notice = modal.getByText('must start with https://');
			await baseUrlInput.fill(api.baseUrl.replace(/^http:\/\//, ''));
			await visible(notice);
			expect(await modal.getByRole('alert').filter({ hasText: 'must start with https://' }).innerText()).toMatch(
				/^The Base URL must start with https:\/\//,
			);
			await shots.take(page, 'credential-base-url-notice');
			await baseUrlInput.fill(api.baseUrl);
			await hidden(notice);
			// ── end of panel change ──

			// saved with the right key and Base URL again, for the next steps
			api.reset();
			await modal.getByTestId('credential-save-button').click();
			await visible(success.getByText('Connection tested successfully'));
			await hidden(failure);
			expect(api.requests.length).toBeGreaterThan(0);
			for (const request of api.requests) expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
			await modal.getByRole('button', { name: 'Close this dialog' }).click();
			await hidden(modal);
			// the credentials list
			await visible(page.getByText('CometAPI account', { exact: true }).filter({ visible: true }).first());
		});

		step('3. the node panel finds CometAPI: on an empty canvas, after a trigger, in the AI view, and as an AI Agent tool', async () => {
			await newWorkflow();
			await page.getByTestId('canvas-plus-button').click();
			await visible(creator().getByText('What triggers this workflow?'));
			for (const term of SEARCH_TERMS) await searchFinds(term, 'CometAPI');
			await searchFinds('CometAPI', 'CometAPI');
			await shots.take(page, 'search-empty-canvas');
			await closeNodeCreator();

			// after a Manual Trigger: "What happens next?"
			await addManualTrigger();
			await page.getByTestId('node-creator-plus-button').click();
			await visible(creator().getByText('What happens next?'));
			for (const term of SEARCH_TERMS) await searchFinds(term, 'CometAPI');
			await shots.take(page, 'search-after-trigger');

			// the AI view: the search there finds the node and its tool variant
			await creatorSearch().fill('');
			await creatorItem('AI').click();
			await visible(creator().getByTestId('nodes-list-header').filter({ hasText: 'AI Nodes' }));
			await creatorSearch().fill('CometAPI');
			await eventually(
				() => labels(creatorNames()),
				(names) => expect(names).toEqual(['CometAPI', 'CometAPI Tool']),
			);
			await shots.take(page, 'search-ai-view');
			// browsing the AI view: Other AI Nodes → Miscellaneous (the codex's AI subcategory)
			await creatorSearch().fill('');
			await creatorItem('Other AI Nodes').click();
			await creatorItem('Miscellaneous').click();
			await visible(creator().getByTestId('nodes-list-header').filter({ hasText: 'Miscellaneous' }));
			await eventually(
				() => labels(creatorNames()),
				(names) => expect(names).toContain('CometAPI'),
			);
			await shots.take(page, 'ai-miscellaneous');
			await closeNodeCreator();

			// an AI Agent's Tool connector
			await page.getByTestId('node-creator-plus-button').click();
			await searchFinds('AI Agent', 'AI Agent');
			await creatorItem('AI Agent').click();
			await visible(ndv());
			await closeNdv();
			await page.getByTestId('zoom-to-fit').click();
			const toolInput = page.locator('[data-test-id="canvas-node-input-handle"][data-connection-type="ai_tool"][data-node-name="AI Agent"]');
			await visible(toolInput.getByText('Tool'));
			await toolInput.getByTestId('canvas-handle-plus').click();
			await visible(creator().getByTestId('nodes-list-header').filter({ hasText: 'Tools' }));
			await creatorSearch().fill('CometAPI');
			await eventually(
				() => labels(creatorNames()),
				(names) => expect(names).toEqual(['CometAPI Tool']),
			);
			await shots.take(page, 'search-agent-tool');
			await closeNodeCreator();
		});

		step('4. the actions in order; each opens its parameter panel with a model list from GET /models that its search narrows', async () => {
			await newWorkflow();
			await addManualTrigger();
			// the panel's text: each group's heading, then its actions
			const groups = [...new Set(ACTIONS.map((a) => a.group))];
			const listing = groups
				.map((group) => [group, ...ACTIONS.filter((a) => a.group === group).map((a) => a.label)].map(escapeRegExp).join('\\n+'))
				.join('\\n+');
			for (const action of ACTIONS) {
				await page.getByTestId('node-creator-plus-button').click();
				await searchFinds('CometAPI', 'CometAPI');
				await creatorItem('CometAPI').click();
				await visible(creator().getByText(`Actions (${ACTIONS.length})`));
				// ── panel change (commit b5cc819): main action first, the chat action's new label ──
				// the editor renders a list of more than 20 entries (headings count) a few per tick,
				// so a busy browser may show it half-drawn: read it until it is complete
				await eventually(
					() => labels(actionItems()),
					(names) => expect(names).toEqual(ACTIONS.map((a) => a.label)),
				);
				// (headings are upper-cased by CSS, which innerText follows)
				await eventually(
					() => creator().innerText(),
					(text) => expect(text).toMatch(new RegExp(listing, 'i')),
				);
				// ── end of panel change ──
				if (action === ACTIONS[0]) await shots.take(page, 'actions');
				// a label may recur in several groups: the action is the one at its place
				const sameLabel = ACTIONS.filter((a) => a.label === action.label);
				await actionItems().filter({ hasText: exactly(action.label) }).nth(sameLabel.indexOf(action)).click();

				await visible(ndv());
				await visible(ndv().getByTestId('node-title-container').getByText(nodeName(action), { exact: true }).filter({ visible: true }));
				expect(await ndv().getByTestId('parameter-input-resource').locator('input').inputValue()).toBe(action.resource);
				expect(await ndv().getByTestId('parameter-input-operation').locator('input').inputValue()).toBe(action.operation);
				// the only credential is picked on its own
				await eventually(
					() => ndv().getByTestId('node-credentials-select').locator('input').inputValue(),
					(name) => expect(name).toBe('CometAPI account'),
				);
				const name = `${action.resource === 'Image' ? '' : `${action.resource.toLowerCase()}-`}${action.operation.toLowerCase().replace(/[^a-z]+/g, '-').replace(/-$/, '')}`;
				if (!action.model) {
					await shots.take(page, `panel-${name}`);
					await closeNdv();
					continue;
				}
				const rlc = ndv().getByTestId('resource-locator-modelId');
				expect(await rlc.getByTestId('rlc-mode-selector').locator('input').inputValue()).toBe('From list');
				expect(await rlc.getByTestId('rlc-input').inputValue()).toBe(action.model);
				await shots.take(page, `panel-${name}`);

				// From list: loaded from the fake CometAPI's /models
				api.reset();
				await rlc.getByTestId('rlc-input').click();
				const items = page.getByTestId('rlc-item');
				// each entry is the model ID, with its price from the public price list beside it where listed
				const ids = async () => (await labels(items)).map((label) => label.split(' — ')[0]);
				const all = await eventually(
					() => ids(),
					(listed) => expect(listed).toEqual(expect.arrayContaining(action.listed ?? [])),
				);
				if (all.includes('gpt-image-1')) expect(await labels(items)).toContain('gpt-image-1 — $5 / $40 per M tokens');
				expect(api.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`)).toContain(`GET /v1/models Bearer ${API_KEY}`);
				// ── panel change (commit b5cc819; Gemini: merge 34effe9): a model list per operation ──
				for (const id of action.unlisted ?? []) expect(all).not.toContain(id);
				// ── end of panel change ──
				await shots.take(page, `model-list-${name}`);

				// its search box narrows the list
				if (action.search) {
					const { term, found } = action.search;
					await page.getByTestId('rlc-search').filter({ visible: true }).fill(term);
					const narrowed = await eventually(
						() => ids(),
						(ids) => {
							expect(ids.length).toBeGreaterThan(0);
							for (const id of ids) expect(id).toContain(term);
						},
					);
					expect(narrowed).toContain(found);
					expect(narrowed.length).toBeLessThan(all.length);
					await shots.take(page, `model-list-${name}-search`);
				}
				// a click beside the list closes it (2.8 ignores Escape there)
				await ndv().getByTestId('node-parameters').click({ position: { x: 5, y: 5 } });
				await hidden(page.getByTestId('rlc-search').filter({ visible: true }));
				expect(await rlc.getByTestId('rlc-input').inputValue()).toBe(action.model);
				await closeNdv();
			}
			// n8n's own "Tidy up" lays the nodes out side by side, for the picture
			await page.getByTestId('tidy-up-button').click();
			await page.getByTestId('zoom-to-fit').click();
			for (const action of ACTIONS) await visible(canvasNode(nodeName(action)).getByText(action.subtitle, { exact: true }));
			await shots.take(page, 'canvas-all-actions');
		});

		step('5. Generate: Add Option lists the options; Size (Custom) and Output Compression are offered once they apply', async () => {
			await canvasNode('Generate an image').dblclick();
			await visible(ndv());
			// Options first, then Request Options (version 2 of the node): each has its own add button
			const addOption = ndv().getByTestId('collection-parameter-add').first();
			const offered = page.getByTestId('collection-parameter-option');
			const openAddOption = async (check: (names: string[]) => void) => {
				await addOption.click();
				return await eventually(() => labels(offered), check);
			};
			const first = await openAddOption((names) => expect(names).toEqual(expect.arrayContaining(['Size Name or ID', 'Output Format', 'Number of Images'])));
			// ── panel change (commit b5cc819): dependent options are offered only where they apply ──
			expect(first).not.toContain('Size (Custom)');
			expect(first).not.toContain('Output Compression');
			// ── end of panel change ──
			// Options holds what shapes the image; the request's options are in Request Options
			for (const plumbing of ['Timeout (Seconds)', 'Max Retries', 'Rate Limit Wait (Seconds)', 'Max Concurrent Requests', 'Max Download Size (MB)', 'Output Mode', 'Put Output in Field']) {
				expect(first).not.toContain(plumbing);
			}
			await shots.take(page, 'generate-add-option');

			// Size: Auto (the default) first, then Custom, then sizes grouped by shape
			await offered.filter({ visible: true }).filter({ hasText: exactly('Size Name or ID') }).click();
			const size = ndv().getByTestId('parameter-input-size');
			await visible(size);
			// the list loads for the chosen model: the field reads "Loading options..." meanwhile
			await eventually(
				() => size.locator('input').inputValue(),
				(value) => expect(value).toBe('Auto'),
			);
			await size.click();
			const choices = page.getByRole('option').filter({ visible: true });
			const sizes = await eventually(
				() => labels(choices),
				(names) => expect(names).toContain('Square 1024x1024'),
			);
			expect(sizes[0]).toBe('Auto');
			// ── panel change (commit b5cc819): Size grouped by shape ──
			expect(sizes[1]).toBe('Custom');
			for (const label of sizes.slice(2)) expect(label).toMatch(/^(Landscape|Portrait|Square) \d+x\d+( \((2K|4K)\))?$/);
			// ── end of panel change ──
			await shots.take(page, 'generate-size-values');
			await choices.filter({ hasText: /^Custom/ }).click();
			await eventually(
				() => size.locator('input').inputValue(),
				(value) => expect(value).toBe('Custom'),
			);

			// ── panel change (commit b5cc819) ──
			const afterCustom = await openAddOption((names) => expect(names).toContain('Size (Custom)'));
			expect(afterCustom).not.toContain('Output Compression');
			// ── end of panel change ──
			await offered.filter({ visible: true }).filter({ hasText: exactly('Size (Custom)') }).click();
			await visible(ndv().getByTestId('parameter-input-customSize'));

			await openAddOption((names) => expect(names).toContain('Output Format'));
			await offered.filter({ visible: true }).filter({ hasText: exactly('Output Format') }).click();
			const format = ndv().getByTestId('parameter-input-outputFormat');
			await visible(format);
			expect(await format.locator('input').inputValue()).toBe('PNG');
			await format.click();
			await choices.filter({ hasText: /^JPEG/ }).click();
			await eventually(
				() => format.locator('input').inputValue(),
				(value) => expect(value).toBe('JPEG'),
			);
			// ── panel change (commit b5cc819) ──
			await openAddOption((names) => expect(names).toContain('Output Compression'));
			// ── end of panel change ──
			await offered.filter({ visible: true }).filter({ hasText: exactly('Output Compression') }).click();
			await visible(ndv().getByTestId('parameter-input-outputCompression'));
			await shots.take(page, 'generate-options-added');
			await closeNdv();
		});

		step('6. Request Options apart from Options; binary fields, Replicate and the Midjourney Button say what they take', async () => {
			const named = (resource: string, operation: string) => nodeName(ACTIONS.find((a) => a.resource === resource && a.operation === operation)!);
			const open = async (name: string) => {
				await canvasNode(name).dblclick();
				await visible(ndv());
			};
			const offered = page.getByTestId('collection-parameter-option').filter({ visible: true });

			if (await ndv().isVisible()) await closeNdv();
			// Generate Image: Options, then Request Options with the request's options
			await open('Generate an image');
			// the add buttons in the panel's order: Options, Request Options, then any family's own
			await ndv().getByTestId('collection-parameter-add').nth(1).click();
			await eventually(
				() => labels(offered),
				(names) => expect(names).toEqual(expect.arrayContaining(['Timeout (Seconds)', 'Max Retries', 'Rate Limit Wait (Seconds)', 'Max Concurrent Requests', 'Output Mode', 'Put Output in Field'])),
			);
			await shots.take(page, 'generate-request-options');
			await offered.filter({ hasText: exactly('Timeout (Seconds)') }).click();
			await visible(ndv().getByTestId('parameter-input-timeout'));
			await closeNdv();

			// one binary field per family: its visible hint says one or several, the formats and the limit
			const hints: Array<[string, string]> = [
				['Edit an image', 'Binary fields, comma-separated: up to 16 images, PNG, JPEG or WEBP, each up to 50 MB'],
				[named('Bria', 'Edit Image'), 'One binary field: the image to edit, JPEG, PNG or WEBP, up to 12 MB'],
				[named('Kling', 'Generate Image'), 'One binary field: a reference image, JPEG or PNG, up to 10 MB'],
				[named('Midjourney', 'Describe'), 'One binary field: the image to describe'],
				[named('Midjourney', 'Vary Region / Modal'), 'Mask rule: white pixels are edited, black pixels are kept.'],
				[named('Replicate', 'Run Model'), 'owner/name as in the model’s address on replicate.com'],
			];
			for (const [name, hint] of hints) {
				await open(name);
				await visible(ndv().getByText(hint, { exact: false }).first());
				if (name === named('Midjourney', 'Vary Region / Modal')) await shots.take(page, 'mask-rule-hint');
				await closeNdv();
			}

			// Midjourney Button: a list of the common buttons, a custom value, a hint to $json.buttons
			await open(named('Midjourney', 'Action (Upscale, Vary, Reroll…)'));
			const button = ndv().getByTestId('parameter-input-button');
			expect(await button.locator('input').inputValue()).toBe('U1');
			await visible(ndv().getByText('$json.buttons', { exact: false }).first());
			await button.click();
			const choices = page.getByRole('option').filter({ visible: true });
			await eventually(
				() => labels(choices),
				(names) => expect(names).toEqual(expect.arrayContaining(['U2', 'V1', 'Reroll', 'Upscale (Subtle)', 'Vary (Region)', 'Zoom Out 2x', 'Custom (Label or customId)'])),
			);
			await shots.take(page, 'midjourney-button-list');
			await choices.filter({ hasText: /^Custom \(Label or customId\)/ }).click();
			await visible(ndv().getByTestId('parameter-input-customButton'));
			await closeNdv();
		});

		step('7. Size lists the sizes of the chosen model: dall-e-3 from the list, gpt-image-2 by ID', async () => {
			await canvasNode('Generate an image').dblclick();
			await visible(ndv());
			const rlc = ndv().getByTestId('resource-locator-modelId');
			const size = ndv().getByTestId('parameter-input-size');
			const choices = page.getByRole('option').filter({ visible: true });
			const sizeReads = async (label: string) =>
				await eventually(
					() => size.locator('input').inputValue(),
					(value) => expect(value).toBe(label),
				);
			/**
			 * Opens Size's list and reads it until it is the chosen model's: the editor reloads it when the
			 * model changes (the field reads "Loading options..." meanwhile, and a click then may be lost).
			 */
			const sizesOffered = async (check: (names: string[]) => void) => {
				await sizeReads('Custom');
				return await eventually(async () => {
					if ((await choices.count()) === 0) await size.click();
					return await labels(choices);
				}, check);
			};
			const closeList = async () => {
				await page.keyboard.press('Escape');
				await hidden(choices.filter({ hasText: exactly('Auto') }));
			};
			// Size kept its value (Custom) from step 5
			await sizeReads('Custom');

			// dall-e-3 from the list: its 1792 sizes, none of gpt-image-2's 2K and 4K
			await rlc.getByTestId('rlc-input').click();
			await page.getByTestId('rlc-item').filter({ hasText: /^dall-e-3/ }).click();
			await eventually(
				() => rlc.getByTestId('rlc-input').inputValue(),
				// (the picker shows the entry's name: the ID, with its price)
				(value) => expect(value).toMatch(/^dall-e-3( — .*)?$/),
			);
			const dallE = await sizesOffered((names) => {
				expect(names).toContain('Landscape 1792x1024');
				expect(names).not.toContain('Landscape 3840x2160 (4K)');
			});
			expect(dallE).toEqual(['Auto', 'Custom', 'Landscape 1792x1024', 'Portrait 1024x1792', 'Square 1024x1024']);
			await shots.take(page, 'size-list-dall-e-3');
			await closeList();

			// gpt-image-2 by ID: its 2K and 4K presets, not dall-e-3's 1792x1024
			await rlc.getByTestId('rlc-mode-selector').click();
			await choices.filter({ hasText: exactly('By ID') }).click();
			await rlc.getByTestId('rlc-input').fill('gpt-image-2');
			await ndv().getByTestId('node-parameters').click({ position: { x: 5, y: 5 } });
			const gptImage2 = await sizesOffered((names) => {
				expect(names).toContain('Landscape 3840x2160 (4K)');
				expect(names).not.toContain('Landscape 1792x1024');
			});
			expect(gptImage2).toEqual(expect.arrayContaining(['Auto', 'Custom', 'Square 2048x2048 (2K)', 'Portrait 2160x3840 (4K)', 'Square 1024x1024']));
			expect(gptImage2).not.toContain('Portrait 1024x1792');
			expect(gptImage2).not.toContain('Square 256x256');
			await shots.take(page, 'size-list-gpt-image-2');
			await closeList();
			await sizeReads('Custom');
			// the README's panel picture: the model, Options and Request Options (step 6's Timeout) in one
			// view, in a window tall enough for them
			await page.setViewportSize({ width: 1440, height: 1250 });
			await visible(ndv().getByTestId('parameter-input-timeout'));
			await ndv().getByTestId('resource-locator-modelId').scrollIntoViewIfNeeded();
			await shots.take(page, 'panel-options-request-options');
			await page.setViewportSize({ width: 1440, height: 900 });
			await closeNdv();
		});
	});
}
