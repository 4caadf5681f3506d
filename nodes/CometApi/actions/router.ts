import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as image from './image';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

const operations: Record<string, Record<string, { execute: OperationExecute }>> = {
	image: { generate: image.generate },
};

/** Keeps n8n's own errors as they are (with the item index); wraps anything else. */
function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/** The error item continueOnFail outputs in place of a failed input item. */
function errorJson(error: NodeApiError | NodeOperationError, itemIndex: number): IDataObject {
	const httpCode = error instanceof NodeApiError ? error.httpCode : undefined;
	const apiCode = error.context.apiErrorCode;
	return {
		error: error.message,
		...(error.description ? { description: error.description } : {}),
		...(httpCode ? { httpCode } : {}),
		...(typeof apiCode === 'string' && apiCode ? { code: apiCode } : {}),
		itemIndex,
	};
}

/** The item loop: runs the chosen operation for each input item, in input order. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}

	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			returnData.push(...(await handler.execute.call(this, itemIndex)));
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (this.continueOnFail()) {
				returnData.push({ json: errorJson(nodeError, itemIndex), pairedItem: { item: itemIndex } });
				continue;
			}
			throw nodeError;
		}
	}
	return [returnData];
}
