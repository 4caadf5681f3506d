import { baseUrlsOf, DEFAULT_BASE_URL, getBaseUrls } from '../../../../nodes/CometApi/transport';
import { API_KEY } from '../../../helpers/fake-cometapi';
import { loadOptionsContext, runCometApi } from '../../../helpers/harness';
import { useFakeCometApi } from '../../../helpers/setup';

const api = useFakeCometApi();

describe('The two roots of a credential', () => {
	it('CometAPI’s default: the OpenAI-style /v1 root and the host root', () => {
		expect(DEFAULT_BASE_URL).toBe('https://api.cometapi.com/v1');
		expect(baseUrlsOf(DEFAULT_BASE_URL)).toEqual({
			api: 'https://api.cometapi.com/v1',
			host: 'https://api.cometapi.com',
		});
	});

	it.each([
		['trailing slashes', 'https://api.cometapi.com/v1//', 'https://api.cometapi.com/v1', 'https://api.cometapi.com'],
		['a relay with a path', 'http://127.0.0.1:8080/comet/v1', 'http://127.0.0.1:8080/comet/v1', 'http://127.0.0.1:8080/comet'],
		['a root without /v1 (both roots)', 'https://relay.example.com/api', 'https://relay.example.com/api', 'https://relay.example.com/api'],
		['the host alone (its /v1 left out)', 'https://api.cometapi.com', 'https://api.cometapi.com/v1', 'https://api.cometapi.com'],
		['the host alone with a slash', 'http://127.0.0.1:8080/', 'http://127.0.0.1:8080/v1', 'http://127.0.0.1:8080'],
		['/v1 inside the path only', 'https://relay.example.com/v1/proxy', 'https://relay.example.com/v1/proxy', 'https://relay.example.com/v1/proxy'],
	])('%s', (_case, configured, apiRoot, hostRoot) => {
		expect(baseUrlsOf(configured)).toEqual({ api: apiRoot, host: hostRoot });
	});

	it.each([
		['no Base URL at all', {}],
		['an empty Base URL', { baseUrl: '  ' }],
	])('a stored credential with %s gets the default roots', async (_case, stored) => {
		const context = loadOptionsContext({ parameters: {}, credentials: { apiKey: API_KEY, ...stored } });
		await expect(getBaseUrls.call(context)).resolves.toEqual({
			api: 'https://api.cometapi.com/v1',
			host: 'https://api.cometapi.com',
		});
	});

	it('the node works with a Base URL that ends in a slash', async () => {
		const { error, output } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: 'a kite' },
			credentials: { apiKey: API_KEY, baseUrl: `${api.baseUrl}/` },
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect(api.requests.map((r) => r.path)).toEqual(['/v1/images/generations']);
	});

	it('a Base URL that is not http(s) is refused before any request', async () => {
		const { error } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: 'a kite' },
			credentials: { apiKey: API_KEY, baseUrl: 'ftp://api.cometapi.com/v1' },
		});
		expect(error!.message).toBe('The Base URL "ftp://api.cometapi.com/v1" in the CometAPI credential is not an http(s) URL');
		expect(api.requests).toHaveLength(0);
	});
});
