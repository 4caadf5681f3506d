import { NodeHelpers } from 'n8n-workflow';

import { CometApi } from '../../credentials/CometApi.credentials';
import { API_KEY } from '../helpers/fake-cometapi';
import { loadOptionsContext, resolveCredentialExpression } from '../helpers/harness';
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
		['the Base URL as entered', (base: string) => base, '/v1/models'],
		['a Base URL with trailing slashes', (base: string) => `${base}//`, '/v1/models'],
	])('the credential test request (GET /models) works with %s', async (_case, toBaseUrl, path) => {
		const credentials = { apiKey: API_KEY, baseUrl: toBaseUrl(api.baseUrl) };
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
		expect(api.requests[0]).toMatchObject({ method: 'GET', path });
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
