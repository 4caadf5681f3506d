const { testEnvironment, transform } = require('./jest.config');

/**
 * The end-to-end suite: the packed package in real n8n releases (test/e2e). `npm run test:e2e`.
 * The global setup packs the tarball and installs the n8n releases into .cache/ (once; later runs
 * reuse them). Each release's suite runs in its own worker, so the releases run in parallel.
 * E2E_N8N=2.8.4 (comma-separated) picks releases.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment,
	transform,
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	// not the unit tests' setup file: its N8N_LOG_LEVEL=silent would reach the n8n processes
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
	// a test that starts n8n waits out its first start (database migrations: minutes on a busy machine)
	testTimeout: 300000,
	maxWorkers: 2,
	// n8n CLI calls take seconds each; report slow tests only beyond that
	slowTestThreshold: 60,
};
