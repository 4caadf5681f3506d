import { e2eSuite } from './suite';

// n8n 2.8.4: the newest release that runs on Node 20.
e2eSuite('2.8.4');
