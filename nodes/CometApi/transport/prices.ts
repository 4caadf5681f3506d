import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { baseUrlsOf, CREDENTIAL_TYPE } from './base-url';

/*
 * CometAPI's public price list, `GET {host root}/api/models`: no key is sent to it (it is read with
 * the plain HTTP helper, like result images). Read at most once per host per PRICES_PERIOD_MS in
 * this n8n process (main or worker) and shared by every run and model picker, like the limiter; a
 * read that fails is remembered for the same period, and a run goes on without prices. Each model's
 * `pricing` is USD per million input / output tokens, or USD per request (`per_request`); a model
 * may have none, and a model's price mode can change from one read to the next.
 */

/** How long a read of the price list (or its failure) is used before it is read again. */
export const PRICES_PERIOD_MS = 10 * 60 * 1000;
/** The price list's own timeout: a slow catalogue never holds a run up for longer. */
export const PRICES_TIMEOUT_MS = 10 * 1000;

/** A model's price: USD per request (per image), or USD per million input and output tokens. */
export type Price = { mode: 'per_request'; usd: number } | { mode: 'tokens'; input: number; output: number };

/** The models' prices by ID (and by `code` where it differs), or why there are none. */
export type PriceList = { prices: Map<string, Price> } | { unavailable: string };

const lists = new Map<string, { readAt: number; list: Promise<PriceList> }>();

/** Forgets every price list read (tests). */
export function forgetPriceLists(): void {
	lists.clear();
}

function usd(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** A catalogue entry's price; undefined when it has no pricing (or none the node can use). */
export function priceOf(pricing: unknown): Price | undefined {
	if (!pricing || typeof pricing !== 'object') return undefined;
	const record = pricing as IDataObject;
	const perRequest = usd(record.per_request);
	if (perRequest !== undefined && perRequest > 0) return { mode: 'per_request', usd: perRequest };
	const input = usd(record.input);
	const output = usd(record.output);
	if ((input ?? 0) > 0 || (output ?? 0) > 0) return { mode: 'tokens', input: input ?? 0, output: output ?? 0 };
	return undefined;
}

/** The prices of a price list's reply: `{data: [...]}` (or a bare array); upcoming models left out. */
export function parsePriceList(body: unknown): Map<string, Price> {
	const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
	const record = parsed as IDataObject | undefined;
	const entries = Array.isArray(parsed) ? parsed : Array.isArray(record?.data) ? (record.data as unknown[]) : undefined;
	if (!entries) throw new Error('the reply has no list of models');
	const prices = new Map<string, Price>();
	for (const entry of entries) {
		if (!entry || typeof entry !== 'object') continue;
		const model = entry as IDataObject;
		if (model.upcoming === true) continue;
		const price = priceOf(model.pricing);
		if (!price) continue;
		for (const id of [model.id, model.code]) if (typeof id === 'string' && id && !prices.has(id)) prices.set(id, price);
	}
	return prices;
}

async function readList(context: IExecuteFunctions | ILoadOptionsFunctions, hostRoot: string): Promise<PriceList> {
	try {
		const body: unknown = await context.helpers.httpRequest({
			method: 'GET',
			url: `${hostRoot}/api/models`,
			json: true,
			timeout: PRICES_TIMEOUT_MS,
		});
		return { prices: parsePriceList(body) };
	} catch (error) {
		return { unavailable: `CometAPI's price list could not be read (${(error as Error).message ?? String(error)})` };
	}
}

/**
 * The price list of the credential's host, read when none was read in the last PRICES_PERIOD_MS
 * (runs at the same moment share one read). Never fails: a list that cannot be read says why.
 */
export async function getPriceList(context: IExecuteFunctions | ILoadOptionsFunctions): Promise<PriceList> {
	let hostRoot: string;
	try {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		hostRoot = baseUrlsOf(credentials.baseUrl).host;
	} catch {
		return { unavailable: 'the CometAPI credential could not be read' };
	}
	const now = Date.now();
	const known = lists.get(hostRoot);
	if (known && now - known.readAt < PRICES_PERIOD_MS) return await known.list;
	const list = readList(context, hostRoot);
	lists.set(hostRoot, { readAt: now, list });
	return await list;
}

/** The price of the first of the model IDs the list has. */
export function findPrice(list: PriceList, models: string[]): { model: string; price?: Price } {
	if ('prices' in list) {
		for (const model of models) {
			const price = list.prices.get(model);
			if (price) return { model, price };
		}
	}
	return { model: models[0] ?? '' };
}

function dollars(value: number): string {
	return `$${Number(value.toPrecision(4))}`;
}

/** A price as a model picker shows it: "$0.04 / image", "$4 / $24 per M tokens". */
export function formatPrice(price: Price): string {
	return price.mode === 'per_request'
		? `${dollars(price.usd)} / image`
		: `${dollars(price.input)} / ${dollars(price.output)} per M tokens`;
}

/** What a paid request is priced by: the model IDs it may be listed under (first is the one reported), and the images it asks for. */
export interface Charge {
	models: string[];
	images: number;
}

function field(body: unknown, name: string): unknown {
	if (typeof FormData !== 'undefined' && body instanceof FormData) return body.get(name) ?? undefined;
	return body && typeof body === 'object' ? (body as IDataObject)[name] : undefined;
}

/**
 * The model and image count of a paid request, from its body (`model`, `n`; Kling's `model_name`)
 * or its path (Gemini's `/v1beta/models/{model}:…`, `/flux/v1/{model}`, Replicate's
 * `/replicate/v1/models/{owner/name}/…`, Midjourney's `/mj/submit/{action}`, Bria's `/bria/…/{action}`).
 */
export function chargeOf(request: { endpoint: string; body?: unknown }): Charge {
	const { endpoint, body } = request;
	const n = Number(field(body, 'n') ?? field(body, 'num_results'));
	const images = Number.isInteger(n) && n >= 1 ? n : 1;
	const named = field(body, 'model') ?? field(body, 'model_name');
	if (typeof named === 'string' && named) return { models: [named], images };
	const path = endpoint.split('?')[0];
	let match = /\/models\/([^/:]+):/.exec(path);
	if (match) return { models: [decodeURIComponent(match[1]).replace(/^models\//, '')], images };
	match = /^\/replicate\/v1\/models\/(.+)\/predictions$/.exec(path);
	if (match) return { models: [decodeURIComponent(match[1])], images };
	match = /^\/flux\/v1\/([^/]+)$/.exec(path);
	if (match) return { models: [decodeURIComponent(match[1])], images };
	match = /^\/mj\/submit\/([^/]+)$/.exec(path);
	if (match) return { models: [`mj_fast_${match[1]}`, `mj_${match[1]}`, 'midjourney'], images: 1 };
	match = /^\/kling\//.exec(path);
	if (match) return { models: ['kling-v1', 'kling'], images };
	match = /^\/bria\/.*?([^/]+)$/.exec(path);
	if (match) return { models: [`bria-${match[1]}`, 'bria'], images };
	return { models: [path], images };
}
