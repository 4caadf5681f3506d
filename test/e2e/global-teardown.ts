/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
import { rmSync } from 'node:fs';

export default function globalTeardown() {
	if (process.env.E2E_PACK_DIR) rmSync(process.env.E2E_PACK_DIR, { recursive: true, force: true });
}
