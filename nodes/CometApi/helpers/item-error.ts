import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * The error for an item whose input cannot be sent, found before any request: "Item N: what is
 * wrong", with what to do about it.
 */
export function itemError(node: INode, itemIndex: number, message: string, description: string): NodeOperationError {
	return new NodeOperationError(node, `Item ${itemIndex}: ${message}`, { itemIndex, description });
}

/** The start of a model's text for an error message, on one line. */
export function quoteText(text: string, length = 300): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > length ? `${line.slice(0, length)}…` : line;
}
