import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { RunContext } from '../run-context';
import { briaTextProperties, runBriaText } from './generateImage.operation';

export const description = updateDisplayOptions({ show: { resource: ['bria'], operation: ['generateVector'] } }, briaTextProperties('vector'));

/** Generate Vector (Bria): POST {host}/bria/text-to-vector with sync: true; every SVG downloaded as image/svg+xml, named .svg. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	return await runBriaText.call(this, itemIndex, run, 'vector');
}
