import { providersSuite } from './providers';

// The task APIs on n8n 2.41.1 (Node 24).
providersSuite('2.41.1');
