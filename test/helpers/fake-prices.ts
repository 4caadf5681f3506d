import { registerRoutePattern, type FakeReply, type RecordedRequest } from './fake-cometapi';

/*
 * CometAPI's public price list on the fake: GET /api/models (host root, no key needed; a request that
 * carries a key is answered all the same, and recorded in `prices.requests`, so tests can check none
 * is sent). Not kept in the API's `requests` (an aside route): other tests count those. Entries in the documented
 * shape: `pricing` in USD per million input / output tokens, or USD per request; one model without
 * `pricing`, one upcoming. `prices.answer` switches to a failure. Sources: FAKES.md.
 */

export interface Pricing {
	currency: string;
	input: number | null;
	output: number | null;
	per_request: number | null;
	per_second: number | null;
}

export const tokenPricing = (input: number, output: number): Pricing => ({
	currency: 'USD / M Tokens',
	input,
	output,
	per_request: null,
	per_second: null,
});

export const requestPricing = (usd: number): Pricing => ({
	currency: 'USD',
	input: null,
	output: null,
	per_request: usd,
	per_second: null,
});

/** The list's entries by model ID: `undefined` pricing leaves the field out. */
const DEFAULT_PRICES: Record<string, Pricing | undefined> = {
	'gpt-image-1': tokenPricing(5, 40),
	'gpt-image-2': tokenPricing(4, 24),
	'dall-e-3': requestPricing(0.04),
	'doubao-seedream-4-0-250828': requestPricing(0.03),
	'gemini-2.5-flash-image': tokenPricing(0.3, 30),
	'gemini-3.1-flash-image': tokenPricing(0.5, 60),
	'flux-pro-1.1': requestPricing(0.04),
	mj_fast_imagine: requestPricing(0.05),
	'gpt-4o-image': undefined,
};

export const prices = {
	/** `list` (default): the catalogue; `fail`: a 500 HTML page; `notJson`: a 200 that is not the list; `hang`: no answer for this long (ms). */
	answer: 'list' as 'list' | 'fail' | 'notJson' | { hangMs: number },
	entries: { ...DEFAULT_PRICES } as Record<string, Pricing | undefined>,
	/** How often the list was read, and the requests that read it. */
	reads: 0,
	requests: [] as RecordedRequest[],
	reset(): void {
		this.answer = 'list';
		this.entries = { ...DEFAULT_PRICES };
		this.reads = 0;
		this.requests = [];
	},
};

// [D] apidoc.cometapi.com/overview/models.md: `GET /api/models`, no auth, unpaginated (`page`/`page_size` 0),
// entries {id, provider, model_type, features, pricing:{currency, input, output, per_request, per_second}, api_doc_url};
// `upcoming` [I] tong-io/tongflow-router-cometapi entry.py.
registerRoutePattern(
	'GET',
	/^\/api\/models$/,
	(request): FakeReply => {
		prices.reads += 1;
		prices.requests.push(request);
		const { answer } = prices;
		if (answer === 'fail') {
			return { status: 500, text: '<html><body>502 Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } };
		}
		if (answer === 'notJson') return { status: 200, json: { success: false, message: 'maintenance' } };
		const data = [
			...Object.entries(prices.entries).map(([id, pricing]) => ({
				id,
				provider: 'test',
				model_type: 'image',
				features: ['text-to-image'],
				...(pricing ? { pricing } : {}),
				api_doc_url: 'https://apidoc.cometapi.com/',
			})),
			{ id: 'upcoming-image-model', upcoming: true, pricing: requestPricing(9) },
		];
		const reply: FakeReply = { status: 200, json: { success: true, data, total: data.length, page: 0, page_size: 0 } };
		return typeof answer === 'object' ? { ...reply, delayMs: answer.hangMs } : reply;
	},
	{ public: true, aside: true },
);
