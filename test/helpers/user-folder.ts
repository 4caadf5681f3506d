/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
import { rmSync } from 'node:fs';

// The temp n8n user folder env.ts made for this test file goes with the file's last test.
afterAll(() => {
	const folder = process.env.N8N_USER_FOLDER;
	if (folder) rmSync(folder, { recursive: true, force: true });
});
