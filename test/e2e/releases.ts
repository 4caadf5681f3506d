/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
import * as n8nLib from '../../scripts/lib/n8n';

/** The releases to test: all of them, or those named in E2E_N8N (comma-separated). */
export function selectedReleases() {
	const wanted = (process.env.E2E_N8N ?? '').split(',').map((v) => v.trim()).filter(Boolean);
	return wanted.length > 0 ? wanted.map((version) => n8nLib.findRelease(version)) : n8nLib.RELEASES;
}

/** describe() for a release that is selected, describe.skip() otherwise. */
export function describeRelease(version: string, body: () => void) {
	const selected = selectedReleases().some((release) => release.version === version);
	(selected ? describe : describe.skip)(`n8n ${version}`, body);
}
