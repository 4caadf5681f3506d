import type { INodeProperties } from 'n8n-workflow';

import {
	additionalBodyFieldsOption,
	maxDownloadSizeOption,
	optionsCollection,
	OUTPUT_OPTION_NAMES,
} from '../common.description';
import { taskOptions } from '../tasks';

/*
 * The panel pieces the Midjourney operations share. Every operation that submits a task waits for
 * it (Max Wait, Poll Interval); with Max Wait 0 it outputs the task as just submitted, for Get Task
 * to fetch later.
 */

export const BOT_TYPES = ['MID_JOURNEY', 'NIJI_JOURNEY'];

export const botTypeProperty: INodeProperties = {
	displayName: 'Bot',
	name: 'botType',
	type: 'options',
	default: 'MID_JOURNEY',
	options: [
		{ name: 'Midjourney', value: 'MID_JOURNEY', description: 'The Midjourney bot (botType MID_JOURNEY)' },
		{ name: 'Niji', value: 'NIJI_JOURNEY', description: 'The Niji bot, for anime and illustration styles (botType NIJI_JOURNEY)' },
	],
	description: 'Which Midjourney bot draws',
};

/** A binary field of the input item, described by the operation; its hint from binary-fields.description.ts. */
export function binaryFieldProperty(
	displayName: string,
	name: string,
	defaultValue: string,
	description: string,
	hint: string,
): INodeProperties {
	return { displayName, name, type: 'string', default: defaultValue, placeholder: 'e.g. data', description, hint };
}

const midjourneyBodyFieldsOption: INodeProperties = {
	...additionalBodyFieldsOption,
	description:
		'A JSON object merged into the submission body as is, for fields the panel does not show, e.g. {"accountFilter": {"modes": ["FAST"]}} or {"state": "my-reference"}. Its keys win over the parameters above.',
};

/** The Options of an operation that submits a task whose images are downloaded. */
export const submitOptions = optionsCollection([...taskOptions, midjourneyBodyFieldsOption]);

/** Describe's Options: its result is text, so nothing is downloaded or stored as a binary. */
export const describeOptions = optionsCollection([
	...taskOptions.filter((option) => option !== maxDownloadSizeOption && !OUTPUT_OPTION_NAMES.includes(option.name)),
	midjourneyBodyFieldsOption,
]);
