/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code: reads the examples folder */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHelpers, type INode } from 'n8n-workflow';

import { CometApi } from '../nodes/CometApi/CometApi.node';

/*
 * Every example's CometAPI nodes pass n8n's own parameter check (the one that refuses to run a
 * workflow "with issues"), with their saved type version: a field the editor would flag, e.g. a
 * required field shown under an expression, fails here instead of in the user's first run.
 */

const folder = join(__dirname, '..', 'examples');
const nodeType = new CometApi();

describe.each(readdirSync(folder).filter((file) => file.endsWith('.json')))('examples/%s', (file) => {
	it('its CometAPI nodes have no parameter issues', () => {
		const workflow = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { nodes: INode[] };
		const nodes = workflow.nodes.filter((node) => node.type.endsWith('.cometApi'));
		expect(nodes.length).toBeGreaterThan(0);
		for (const node of nodes) {
			const description = NodeHelpers.getVersionedNodeType(nodeType, node.typeVersion).description;
			const parameters = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
			const issues = NodeHelpers.getNodeParametersIssues(description.properties, { ...node, parameters: parameters ?? {} }, description);
			expect({ node: node.name, issues }).toEqual({ node: node.name, issues: null });
		}
	});
});
