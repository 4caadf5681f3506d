import { midjourneySuite } from './midjourney';

// n8n 2.41.1 on Node 24.
midjourneySuite('2.41.1');
