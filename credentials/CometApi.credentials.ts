import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class CometApi implements ICredentialType {
	name = 'cometApi';

	displayName = 'CometAPI API';

	icon: Icon = { light: 'file:cometapi.svg', dark: 'file:cometapi.dark.svg' };

	documentationUrl = 'https://apidoc.cometapi.com';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your CometAPI key (starts with sk-). Create one in the CometAPI console under API Tokens.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.cometapi.com/v1',
			description:
				'The OpenAI-compatible API root. Change it only for a proxy or a self-hosted relay; it must start with http:// or https://. A host alone (e.g. https://api.cometapi.com) stands for its /v1 root.',
		},
		{
			displayName:
				'The Base URL must start with https:// (or http:// for a relay on your own network), e.g. https://api.cometapi.com/v1',
			name: 'baseUrlNotice',
			type: 'notice',
			default: '',
			// shown while the Base URL has no scheme (empty falls back to the default). No regex
			// condition: n8n 2.41 runs one under a 250 ms wall-clock limit each time it reads the
			// credential, so on a starved machine a request failed with "Regular expression
			// execution timed out".
			displayOptions: {
				hide: { baseUrl: ['', { _cnd: { startsWith: 'https://' } }, { _cnd: { startsWith: 'http://' } }] },
			},
		},
	];

	// The key travels only in this header, and only to the Base URL above.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				// A key pasted with spaces or a line break around it (no key holds white space).
				Authorization: '=Bearer {{ String($credentials.apiKey || "").replace(/\\s+/g, "") }}',
			},
		},
	};

	// GET /models is free and needs a valid key. The Base URL is mapped as the node's transport maps
	// it (transport/base-url.ts): the default when a stored credential has none, trailing slashes
	// dropped, and a host alone (https://api.cometapi.com) taken as its /v1 root.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ String($credentials.baseUrl || "https://api.cometapi.com/v1").trim().replace(/\\/+$/, "").replace(/^(https?:\\/\\/[^\\/]+)$/i, "$1/v1") }}',
			url: '/models',
			method: 'GET',
			// a redirect is not followed: the key must not reach another origin (a 3xx fails the test)
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		},
		// n8n shows this instead of a bare "Unauthorized" (releases after 2.8 honour the rule)
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Invalid API key: CometAPI refused it. Copy the key again from the CometAPI console (API Tokens).',
				},
			},
		],
	};
}
