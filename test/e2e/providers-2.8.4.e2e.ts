import { providersSuite } from './providers';

// The task APIs on n8n 2.8.4 (Node 20).
providersSuite('2.8.4');
