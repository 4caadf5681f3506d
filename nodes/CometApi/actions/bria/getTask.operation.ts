import { getTaskOperation } from '../tasks';
import { briaApi } from './bria-api';

/** Get Task (Bria): GET {host}/bria/{request_id} until the edit ends. */
export const { description, execute } = getTaskOperation('bria', briaApi, {
	taskIdHint: 'The request_id of an edit (taskId in this node’s output); Bria answers 404 once it has expired',
});

export const waitsForTasks = true;
