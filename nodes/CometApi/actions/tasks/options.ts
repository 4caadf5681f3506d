import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { commonOptions, maxDownloadSizeOption, retryTimeoutsOption } from '../common.description';
import type { TaskWait } from './engine';

/*
 * The Options of the task operations: Max Wait and Poll Interval beside those of every run, and how
 * they are read.
 */

export const DEFAULT_MAX_WAIT_MINUTES = 10;
export const DEFAULT_POLL_INTERVAL_SECONDS = 2;

export const maxWaitOption: INodeProperties = {
	displayName: 'Max Wait (Minutes)',
	name: 'maxWait',
	type: 'number',
	default: DEFAULT_MAX_WAIT_MINUTES,
	typeOptions: { minValue: 0, numberPrecision: 1 },
	description:
		'How long to wait for a task to finish, counted from the moment its submission was accepted. A task still running then gives an error (or error item) with its task ID: it is not cancelled, and Get Task fetches it later at no new charge.',
};

export const pollIntervalOption: INodeProperties = {
	displayName: 'Poll Interval (Seconds)',
	name: 'pollInterval',
	type: 'number',
	default: DEFAULT_POLL_INTERVAL_SECONDS,
	typeOptions: { minValue: 0.01, numberPrecision: 2 },
	description:
		'The first pause between two looks at a task; each pause is half as long again as the last, up to five times this (2 s, 3 s, 4.5 s… up to 10 s by default). Waiting tasks hold no request slot.',
};

/** The options of every operation that submits a task and waits for it (see engine.ts). */
export const taskWaitOptions: INodeProperties[] = [maxWaitOption, pollIntervalOption];

/**
 * The options of every task operation (submit and wait, or Get Task): those of the run and the
 * output, the download size and the wait; no Retry Timed-Out Requests, since a task is submitted once.
 */
export const taskOptions: INodeProperties[] = [
	...commonOptions.filter((option) => option !== retryTimeoutsOption),
	maxDownloadSizeOption,
	...taskWaitOptions,
];

/** Max Wait (Minutes) and Poll Interval (Seconds) of an operation that waits for tasks. */
export function readTaskWait(options: IDataObject): TaskWait {
	const maxWait = Number(options.maxWait);
	const interval = Number(options.pollInterval);
	return {
		maxWaitSeconds: 60 * (Number.isFinite(maxWait) && maxWait >= 0 ? maxWait : DEFAULT_MAX_WAIT_MINUTES),
		pollIntervalSeconds: Number.isFinite(interval) && interval > 0 ? interval : DEFAULT_POLL_INTERVAL_SECONDS,
	};
}
