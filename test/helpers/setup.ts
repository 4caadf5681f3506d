import { sleep } from 'n8n-workflow';

import { API_KEY, startFakeCometApi, type FakeCometApi, type FakeReply } from './fake-cometapi';
import { runCometApi, useFilesystemBinaryMode, type NodeRun, type RunOptions } from './harness';
// CometAPI's public price list (GET /api/models), which every run reads for its items' cost.
import './fake-prices';

/**
 * For a test file: starts the fake CometAPI once, clears its records and overrides before each
 * test, and stops it at the end. With `filesystemBinaryMode`, the whole file runs in n8n's
 * filesystem binary mode (the mode is per process, and jest runs each file on its own).
 */
export function useFakeCometApi(options: { filesystemBinaryMode?: boolean } = {}): FakeCometApi {
	let api: FakeCometApi | undefined;
	beforeAll(async () => {
		if (options.filesystemBinaryMode) await useFilesystemBinaryMode();
		api = await startFakeCometApi();
	});
	afterAll(async () => {
		await api?.close();
	});
	beforeEach(() => api?.reset());
	const started = (): FakeCometApi => {
		if (!api) throw new Error('the fake CometAPI is not started yet');
		return api;
	};
	// Reads go to the API started in beforeAll, so test files can keep a plain `api` constant.
	return new Proxy({} as FakeCometApi, { get: (_target, property) => Reflect.get(started(), property) });
}

/** Runs Generate Image against the fake CometAPI: the prompt "a lighthouse" and these options. */
export function runGenerate(
	api: FakeCometApi,
	options: Record<string, unknown> = {},
	extra: Partial<RunOptions> = {},
): Promise<NodeRun> {
	return runCometApi({
		parameters: { resource: 'image', operation: 'generate', prompt: 'a lighthouse', options },
		credentials: { apiKey: API_KEY, baseUrl: api.baseUrl },
		...extra,
	});
}

/** Answers the first `times` requests to `path` with `reply`, then lets the fake answer normally. */
export function failFirst(api: FakeCometApi, times: number, reply: FakeReply, path: string): void {
	let seen = 0;
	api.override((request) => (request.path === path && seen++ < times ? reply : undefined));
}

/** Waits (up to 5 s) for the server to notice what the client did, e.g. a closed connection. */
export async function eventually(condition: () => boolean): Promise<boolean> {
	for (let waited = 0; waited < 5000 && !condition(); waited += 20) {
		await sleep(20);
	}
	return condition();
}

/**
 * Runs Generate Image against a fake that answers every request with `reply`: the error it ends
 * with, after checking that it came from one attempt and names item 0.
 */
export async function generateFailingWith(api: FakeCometApi, reply: FakeReply): Promise<NonNullable<NodeRun['error']>> {
	api.override(() => reply);
	const { error } = await runGenerate(api);
	expect(api.requests).toHaveLength(1);
	expect(error?.context).toMatchObject({ itemIndex: 0 });
	return error!;
}
