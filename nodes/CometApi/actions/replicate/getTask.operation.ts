import { getTaskOperation } from '../tasks';
import { replicateApi } from './replicate-api';

/** Get Task (Replicate-style): GET {host}/replicate/v1/predictions/{id} until the prediction ends. */
export const { description, execute, waitsForTasks } = getTaskOperation(
	'replicate',
	replicateApi,
	'The prediction ID (id in the prediction, taskId in this node’s output)',
);
