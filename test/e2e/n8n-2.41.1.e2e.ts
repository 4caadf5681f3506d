import { e2eSuite } from './suite';

// n8n 2.41.1 on Node 24 (taken from the npm registry when the current Node is older).
e2eSuite('2.41.1');
