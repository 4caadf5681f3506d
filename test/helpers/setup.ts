import { startFakeCometApi, type FakeCometApi } from './fake-cometapi';
import { useFilesystemBinaryMode } from './harness';

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
