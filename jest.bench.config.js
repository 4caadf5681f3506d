/**
 * The benchmark (test/bench): this node, n8n's OpenAI node and the HTTP Request recipe, in a real
 * n8n against the same fake CometAPI. `npm run bench`. Not part of `npm test`: timings are
 * reported, never asserted. BENCH_N8N picks the n8n release (default 2.8.4), BENCH_LATENCY_MS the
 * fake API's latency (default 1000), BENCH_ITEMS the item count of S1, S2 and S4 (default 20).
 * @type {import('jest').Config}
 */
process.env.E2E_N8N = process.env.BENCH_N8N || '2.8.4';

const e2e = require('./jest.e2e.config.js');

module.exports = {
	...e2e,
	roots: ['<rootDir>/test/bench'],
	testMatch: ['**/*.bench.ts'],
	testTimeout: 15 * 60 * 1000,
	maxWorkers: 1,
};
