import { getTaskOperation } from '../tasks';
import { klingApi } from './kling-api';

/** Get Task (Kling): GET {host}/kling/v1/images/generations/{task_id} until the task ends. */
export const { description, execute } = getTaskOperation('kling', klingApi, {
	taskIdHint: 'The task_id of an image generation task (taskId in this node’s output)',
});

export const waitsForTasks = true;
