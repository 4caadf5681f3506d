/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as n8nLib from '../../scripts/lib/n8n';
import type { FakeCometApi } from '../helpers/fake-cometapi';
import { NODE_TYPE, outputOf, type Execution, type N8nInstance, type Workflow, type WorkflowNode } from './n8n-instance';

/*
 * Every workflow in examples/ as the e2e runs it: the trigger swapped for a manual one (the CLI
 * starts workflows only from a Manual Trigger), the CometAPI nodes given the e2e credential, the
 * folders in the example's Settings node pointed into the test's files folder. Each example has
 * its own checks.
 */

export const EXAMPLES_DIR = join(n8nLib.ROOT, 'examples');
const TRIGGERS = new Set(['n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.formTrigger', 'n8n-nodes-base.webhook']);

export interface ExampleContext {
	api: FakeCometApi;
	n8n: N8nInstance;
	/** A folder for this example inside the folder n8n may read and write. */
	folder: string;
}

interface ExampleSpec {
	/** Adapt the imported copy (Settings values, test inputs). */
	prepare?(workflow: Workflow, context: ExampleContext): void;
	check(run: Execution, context: ExampleContext): void | Promise<void>;
}

export interface PreparedExample {
	file: string;
	workflow: Workflow;
	run(): Promise<Execution>;
	check(run: Execution): void | Promise<void>;
}

export function node(workflow: Workflow, name: string): WorkflowNode {
	const found = workflow.nodes.find((n) => n.name === name);
	if (!found) throw new Error(`${workflow.name}: no node "${name}"`);
	return found;
}

/** Changes values in the example's "Settings" node (a Set node in JSON mode). */
export function setSettings(workflow: Workflow, values: Record<string, unknown>) {
	const settings = node(workflow, 'Settings');
	const current = JSON.parse(String(settings.parameters.jsonOutput)) as Record<string, unknown>;
	settings.parameters.jsonOutput = JSON.stringify({ ...current, ...values }, null, 2);
}

export const sortByPrompt = <T>(list: T[]) =>
	[...list].sort((a, b) => String((a as { prompt?: string }).prompt).localeCompare(String((b as { prompt?: string }).prompt)));

const isPng = (data: Buffer) => data.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));

const SPECS: Record<string, ExampleSpec> = {
	'generate-images-from-prompt-list.json': {
		prepare(workflow, { folder }) {
			setSettings(workflow, { outputFolder: folder });
		},
		check(run, { api, folder }) {
			const prompts = [
				'A watercolor lighthouse on a cliff at dawn',
				'A paper boat on calm water, soft morning light',
				'A cozy reading nook with a cat, warm lamp light',
			];
			// items run in parallel, so requests arrive in any order
			expect(sortByPrompt(api.requests.map((r) => r.json))).toEqual(
				prompts.sort().map((prompt) => ({ model: 'gpt-image-1', prompt, size: '1024x1024', quality: 'medium' })),
			);
			const items = outputOf(run, 'Write Image Files');
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(readdirSync(folder).sort()).toEqual([
				'a-cozy-reading-nook-with-a-cat-warm-lamp-light-1.png',
				'a-paper-boat-on-calm-water-soft-morning-light-1.png',
				'a-watercolor-lighthouse-on-a-cliff-at-dawn-1.png',
			]);
			for (const file of readdirSync(folder)) expect(isPng(readFileSync(join(folder, file)))).toBe(true);
		},
	},
};

/** Reads every example and makes its e2e copy; ids are e2eExample0001… in file name order. */
export function prepareExamples(n8n: N8nInstance, api: FakeCometApi, credential: { id: string; name: string }): PreparedExample[] {
	const files = readdirSync(EXAMPLES_DIR).filter((file) => file.endsWith('.json')).sort();
	return files.map((file, index) => {
		const workflow = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Workflow;
		workflow.id = `e2eExample${String(index + 1).padStart(6, '0')}`;
		const context: ExampleContext = { api, n8n, folder: join(n8n.filesDir, file.replace(/\.json$/, '')) };
		mkdirSync(context.folder, { recursive: true });
		for (const n of workflow.nodes) {
			if (TRIGGERS.has(n.type)) Object.assign(n, { type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
			if (n.type === NODE_TYPE) n.credentials = { cometApi: credential };
		}
		const spec = SPECS[file];
		spec?.prepare?.(workflow, context);
		return {
			file,
			workflow,
			run: async () => await n8n.execute(workflow.id),
			check: async (run: Execution) => {
				if (!spec) throw new Error(`examples/${file} has no e2e check in test/e2e/examples.ts`);
				await spec.check(run, context);
			},
		};
	});
}

export { isPng };
