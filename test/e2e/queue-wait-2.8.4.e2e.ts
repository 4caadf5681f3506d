import { queueWaitSuite } from './queue-wait';

// n8n 2.8.4 in queue mode, one worker of concurrency 1: a long wait parked in the database holds no worker.
queueWaitSuite('2.8.4');
