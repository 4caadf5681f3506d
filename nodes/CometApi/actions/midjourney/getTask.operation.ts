import { getTaskOperation } from '../tasks';
import { midjourneyTasks } from './midjourney-api';

/**
 * Get Task (Midjourney): GET /mj/task/{id}/fetch, its status, and its images when finished. This is
 * how a task that ran past Max Wait, or whose download failed, is picked up again: reading costs nothing.
 */
export const { description, execute } = getTaskOperation('midjourney', midjourneyTasks, {
	taskIdHint: 'Any Midjourney task, e.g. from an error item’s taskId or an earlier run; reading it costs nothing',
	savedWaitToEnd: true,
});

export const waitsForTasks = true;
