import { NodeHelpers } from 'n8n-workflow';

import { CometApi } from '../../credentials/CometApi.credentials';
import { baseUrlsOf } from '../../nodes/CometApi/transport';
import { API_KEY } from '../helpers/fake-cometapi';
import { loadOptionsContext, resolveCredentialExpression, runCometApi } from '../helpers/harness';
import { useFakeCometApi } from '../helpers/setup';

const api = useFakeCometApi();

const credential = new CometApi();

describe('CometAPI credential', () => {
	it('declares the API key as a password and a Base URL with the CometAPI default', () => {
		expect(credential.name).toBe('cometApi');
		const apiKey = credential.properties.find((p) => p.name === 'apiKey');
		const baseUrl = credential.properties.find((p) => p.name === 'baseUrl');
		expect(apiKey?.typeOptions?.password).toBe(true);
		expect(apiKey?.required).toBe(true);
		expect(baseUrl?.default).toBe('https://api.cometapi.com/v1');
		expect(credential.documentationUrl).toMatch(/^https:\/\//);
		expect(credential.icon).toEqual({ light: 'file:cometapi.svg', dark: 'file:cometapi.dark.svg' });
	});

	// n8n's own displayParameter decides what the credential form shows
	it.each([
		['api.cometapi.com/v1', true],
		['127.0.0.1:8080/v1', true],
		['ftp://example.com/v1', true],
		['https://api.cometapi.com/v1', false],
		['http://127.0.0.1:8080/v1', false],
		['', false],
	])('the form warns about a Base URL without http(s):// — %p: %p', (baseUrl, shown) => {
		const notice = credential.properties.find((p) => p.type === 'notice')!;
		expect(notice.displayName).toContain('must start with https://');
		expect(NodeHelpers.displayParameter({ apiKey: 'sk-x', baseUrl }, notice, null, null)).toBe(shown);
	});

	it.each([
		['the Base URL as entered', (base: string) => base, API_KEY],
		['a Base URL with trailing slashes', (base: string) => `${base}//`, API_KEY],
		['a Base URL without its /v1 (the host alone)', (base: string) => base.replace(/\/v1$/, ''), API_KEY],
		['the host alone with a trailing slash', (base: string) => base.replace(/\/v1$/, '/'), API_KEY],
		['an API key pasted with spaces and a trailing newline', (base: string) => base, `  ${API_KEY} \n`],
		['an API key pasted with a tab and CRLF', (base: string) => base, `\t${API_KEY}\r\n`],
	])('the credential test request (GET /models) works with %s', async (_case, toBaseUrl, apiKey) => {
		const credentials = { apiKey, baseUrl: toBaseUrl(api.baseUrl) };
		const request = credential.test.request;
		const baseURL = resolveCredentialExpression(String(request.baseURL), credentials);
		const context = loadOptionsContext({ parameters: {}, credentials });
		const response = await context.helpers.httpRequestWithAuthentication.call(context, 'cometApi', {
			method: request.method ?? 'GET',
			baseURL,
			url: String(request.url),
			json: true,
		});
		expect((response as { data: unknown[] }).data.length).toBeGreaterThan(0);
		expect(api.requests).toHaveLength(1);
		expect(api.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
		expect(api.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
	});

	it('the credential test request fails with 401 for a wrong key', async () => {
		const credentials = { apiKey: 'sk-wrong', baseUrl: api.baseUrl };
		const baseURL = resolveCredentialExpression(String(credential.test.request.baseURL), credentials);
		const context = loadOptionsContext({ parameters: {}, credentials });
		await expect(
			context.helpers.httpRequestWithAuthentication.call(context, 'cometApi', {
				method: 'GET',
				baseURL,
				url: '/models',
			}),
		).rejects.toMatchObject({ httpCode: '401' });
	});

	// n8n's own expression engine resolves the credential's Authorization header, as for every request.
	it.each([
		['as entered', API_KEY],
		['with spaces around it', `   ${API_KEY}   `],
		['with a trailing newline', `${API_KEY}\n`],
		['with a line break inside (wrapped when pasted)', `${API_KEY.slice(0, 10)}\r\n${API_KEY.slice(10)}`],
	])('the Authorization header carries the key %s, trimmed', (_case, apiKey) => {
		const header = credential.authenticate.properties.headers!.Authorization;
		expect(resolveCredentialExpression(String(header), { apiKey, baseUrl: api.baseUrl })).toBe(`Bearer ${API_KEY}`);
	});

	it.each([
		['https://api.cometapi.com', 'https://api.cometapi.com/v1'],
		['https://api.cometapi.com/', 'https://api.cometapi.com/v1'],
		['  https://api.cometapi.com/v1/  ', 'https://api.cometapi.com/v1'],
		['http://127.0.0.1:8080', 'http://127.0.0.1:8080/v1'],
		['https://relay.example.com/api', 'https://relay.example.com/api'],
	])('the credential test maps the Base URL %p to %p, as the node’s transport does', (baseUrl, expected) => {
		expect(resolveCredentialExpression(String(credential.test.request.baseURL), { apiKey: API_KEY, baseUrl })).toBe(expected);
		expect(baseUrlsOf(baseUrl).api).toBe(expected);
	});

	it('a node run works with a key pasted with spaces and a newline, and a Base URL without /v1', async () => {
		const { error, output } = await runCometApi({
			parameters: { resource: 'image', operation: 'generate', prompt: 'a kite' },
			credentials: { apiKey: ` ${API_KEY}\n`, baseUrl: api.baseUrl.replace(/\/v1$/, '') },
		});
		expect(error).toBeUndefined();
		expect(output).toHaveLength(1);
		expect(api.requests.map((r) => r.path)).toEqual(['/v1/images/generations']);
		expect(api.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
	});

	it.each([
		['no Base URL at all', {}],
		['an empty Base URL', { baseUrl: '' }],
	])('a stored credential with %s tests against the default Base URL', (_case, stored) => {
		const resolved = resolveCredentialExpression(String(credential.test.request.baseURL), {
			apiKey: API_KEY,
			...stored,
		});
		expect(resolved).toBe('https://api.cometapi.com/v1');
	});
});
