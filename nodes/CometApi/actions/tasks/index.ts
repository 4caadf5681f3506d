/*
 * The task engine: how the task families (Midjourney, Flux, Replicate-style, Kling, Bria) submit a
 * task once, wait for it and output it, and how Get Task reads one by its ID. By concern:
 * - engine.ts     the poll loop: submit once, poll until the task ends, Max Wait, cancel (every
 *                 request goes through transport/)
 * - polls.ts      a run's polls per family: at most POLLS_PER_SECOND a second, and a batch route
 *                 (Midjourney's list-by-condition) reading the tasks due together
 * - state.ts      where a task stands (TaskState, TaskOutcome) and the errors that carry its ID
 * - ledger.ts     the run's ledger of the tasks it submitted, handed back when the run fails
 * - options.ts    the task operations' Options (Max Wait, Poll Interval) and their reading
 * - operation.ts  what the families' operations call: runTask (submit, wait, output) and reading a task
 * - output.ts     a task's output items: its JSON, and its images downloaded as binaries
 * - get-task.ts   the Get Task operation every family shares
 * Each family only says how its replies read (its TaskFamily, in actions/<resource>/<family>-api.ts).
 */
export { jittered, submitTask, waitForTask, type PollSettings, type TaskApi, type TaskRun, type TaskWait } from './engine';
export { getTaskOperation } from './get-task';
export { TaskLedger, type LedgerEntry } from './ledger';
export { lookAtTask, outputTaskById, runTask, submittedTaskId, type TaskFamily, type TaskSubmission } from './operation';
export {
	DEFAULT_MAX_WAIT_MINUTES,
	DEFAULT_POLL_INTERVAL_SECONDS,
	maxWaitOption,
	pollIntervalOption,
	readTaskWait,
	taskOptions,
	taskWaitOptions,
} from './options';
export { taskFacts, taskOutputItems, withoutInlineImages, type TaskOutputOptions } from './output';
export { taskFailedError, withTask, type TaskOutcome, type TaskState } from './state';
