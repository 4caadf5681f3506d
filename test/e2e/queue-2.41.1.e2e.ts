import { queueSuite } from './queue-suite';

// n8n 2.41.1 on Node 24 in queue mode: Redis, PostgreSQL, a main instance and two workers.
queueSuite('2.41.1');
