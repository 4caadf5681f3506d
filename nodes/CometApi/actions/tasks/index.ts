/*
 * The task engine: how the task families (Midjourney, Flux, Replicate-style, Kling, Bria) submit a
 * task once, wait for it and output it, and how Get Task reads one by its ID. By concern:
 * - engine.ts     the poll loop: submit once, poll until the task ends, Max Wait, cancel (requests go
 *                 through transport/)
 * - ledger.ts     the run's ledger of the tasks it submitted, handed back when the run fails
 * - output.ts     a task's output items: its JSON, and its images downloaded as binaries
 * - operation.ts  what the families' operations call: runTask (submit, wait, output) and reading a task
 * Each family only says how its replies read (its TaskFamily, in actions/<resource>/<family>-api.ts).
 */
export {
	DEFAULT_MAX_WAIT_MINUTES,
	DEFAULT_POLL_INTERVAL_SECONDS,
	jittered,
	submitTask,
	taskFailedError,
	waitForTask,
	withTask,
	type PollSettings,
	type TaskApi,
	type TaskOutcome,
	type TaskRun,
	type TaskState,
	type TaskWait,
} from './engine';
export { TaskLedger, type LedgerEntry } from './ledger';
export { getTaskOperation, lookAtTask, outputTaskById, runTask, submittedTaskId, type TaskFamily, type TaskSubmission } from './operation';
export { taskFacts, taskOutputItems, withoutInlineImages, type TaskOutputOptions } from './output';
