import { queueSuite } from './queue-suite';

// n8n 2.8.4 on Node 20 in queue mode: Redis, PostgreSQL, a main instance and two workers.
queueSuite('2.8.4');
