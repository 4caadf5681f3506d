/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped (package.json "files": ["dist"]) */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core writes <N8N_USER_FOLDER>/.n8n/config (and filesystem binaries) on first use: keep it in a temp folder.
process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'cometapi-test-'));
// n8n-core's error reporter logs every node error with its stack; expected failures stay quiet.
process.env.N8N_LOG_LEVEL ??= 'silent';
