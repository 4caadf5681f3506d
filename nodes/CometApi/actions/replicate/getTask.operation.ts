import { getTaskOperation } from '../tasks';
import { replicateApi } from './replicate-api';

/** Get Task (Replicate-style): GET {host}/replicate/v1/predictions/{id} until the prediction ends. */
export const { description, execute } = getTaskOperation('replicate', replicateApi, {
	taskIdHint: 'The prediction ID (id in the prediction, taskId in this node’s output)',
});

export const waitsForTasks = true;
