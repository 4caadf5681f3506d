/*
 * The visible hints of the fields that take binary fields: how many names the field takes, the
 * formats and limits of the file, and for a mask which pixels are edited (the rule differs by
 * family: README, Masks). The description (tooltip) may say more; the hint says what matters.
 */

/** Where the name of a binary field is found, said once at the end of every hint. */
const WHERE = 'the names are on the Binary tab of the previous node’s output (usually data)';

/** A field that takes one binary field; `holds` names the file, its formats and limits. */
export function oneBinaryFieldHint(holds: string): string {
	return `One binary field: ${holds}; ${WHERE.replace('the names are', 'the name is')}`;
}

/** A field that takes several binary fields; `holds` names the files, their formats and limits. */
export function binaryFieldsHint(holds: string): string {
	return `Binary fields, comma-separated: ${holds}; ${WHERE}`;
}

/** Which pixels of a mask are edited, by family. */
export const MASK_RULES = {
	/** Bria, Midjourney Vary Region. */
	white: 'white pixels are edited, black pixels are kept',
	/** Image → Edit Image (OpenAI-style /images/edits). */
	transparent: 'fully transparent pixels are edited, opaque pixels are kept',
} as const;

/** A mask field: one binary field, its rule first, then its formats and limits. */
export function maskFieldHint(rule: keyof typeof MASK_RULES, holds: string): string {
	return `Mask rule: ${MASK_RULES[rule]}. One binary field: ${holds}; ${WHERE.replace('the names are', 'the name is')}`;
}
