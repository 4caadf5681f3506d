import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * The error for an item whose input cannot be sent, found before any request: "Item N: what is
 * wrong", with what to do about it.
 */
export function itemError(node: INode, itemIndex: number, message: string, description: string): NodeOperationError {
	return new NodeOperationError(node, `Item ${itemIndex}: ${message}`, { itemIndex, description });
}
