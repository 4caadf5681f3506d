/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as n8nLib from '../../scripts/lib/n8n';
import { selectedReleases } from './releases';

/** Packs the package (built by `npm run test:e2e`) and installs every selected n8n release once. */
export default async function globalSetup() {
	const work = mkdtempSync(join(tmpdir(), 'cometapi-e2e-pack-'));
	process.env.E2E_PACK_DIR = work;
	process.env.E2E_TARBALL = n8nLib.packPackage(work);
	// in parallel: mostly waiting on the network, so two installs take about as long as one
	await Promise.all(selectedReleases().map(async (release) => await n8nLib.ensureN8n(release)));
}
