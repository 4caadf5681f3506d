import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export const ADDITIONAL_FIELDS_LABEL = 'Additional Body Fields (JSON)';

/**
 * Parses the "Additional Body Fields (JSON)" option: a JSON object whose keys are merged into the
 * request body as they are (model-specific fields such as watermark or guidance_scale).
 */
export function parseAdditionalFields(node: INode, value: unknown, itemIndex: number): IDataObject {
	if (value === undefined || value === null) return {};
	let parsed: unknown = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			throw new NodeOperationError(node, `${ADDITIONAL_FIELDS_LABEL} is not valid JSON`, {
				itemIndex,
				description: `${(error as Error).message}. Write a JSON object, e.g. {"watermark": false}.`,
			});
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(node, `${ADDITIONAL_FIELDS_LABEL} must be a JSON object`, {
			itemIndex,
			description: 'Write an object with the fields to add, e.g. {"watermark": false}.',
		});
	}
	return parsed as IDataObject;
}
