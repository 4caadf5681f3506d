import type { IDataObject } from 'n8n-workflow';

/*
 * Reading untyped JSON, the same for every reply: neutral helpers the families' reply readers
 * (chat, Gemini, the task families) share.
 */

/** The value as an object's fields, or undefined when it is not an object (arrays and null are not). */
export function asRecord(value: unknown): IDataObject | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;
}
