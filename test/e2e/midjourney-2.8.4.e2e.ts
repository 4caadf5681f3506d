import { midjourneySuite } from './midjourney';

// n8n 2.8.4: the newest release that runs on Node 20.
midjourneySuite('2.8.4');
