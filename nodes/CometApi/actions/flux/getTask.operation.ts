import { getTaskOperation } from '../tasks';
import { fluxApi } from './flux-api';

/** Get Task (Flux): GET {host}/flux/v1/get_result?id= until the task ends; its image downloaded at once. */
export const { description, execute } = getTaskOperation('flux', fluxApi, {
	taskIdHint: 'Flux keeps finished results for minutes only: after that get_result answers Task not found',
});

export const waitsForTasks = true;
