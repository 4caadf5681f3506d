import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { usageTokens } from '../helpers/token-usage';
import { findPrice, type Charge, type Price, type PriceList } from '../transport';

/*
 * What a run spends, from CometAPI's public price list (transport/prices.ts): the cost of each item
 * (`cost` on its output items and on its error item when its work was billed), and Max Spend per
 * Run. These are estimates from the public list, not CometAPI's invoice.
 *
 * The cap: before each new paid request or task submission, the run's cost so far (the items that
 * ended) plus the estimates of every paid request still in flight or waiting for its task, plus this
 * request's estimate, is compared with Max Spend; when it would pass it, nothing more is sent and
 * this and every later paid request fail (`reason: spend_cap`, not billed, safe to run again). A
 * request is estimated before it is answered as: per-request price × images asked for; for a
 * token-priced model, the dearest per-image cost of an answered item of the same model in this run,
 * or before there is one ESTIMATE_INPUT_TOKENS and ESTIMATE_OUTPUT_TOKENS per image at the model's
 * token prices. A model without a price counts 0 (the run goes on: the cap counts only what the
 * list prices). So a run goes past the cap only by what the requests in flight cost beyond their
 * estimates (a token-priced reply longer than estimated), never by a request sent after the cap
 * was reached.
 */

/** Tokens a token-priced request is estimated at per image, until an item of its model was answered. */
export const ESTIMATE_INPUT_TOKENS = 1_000;
export const ESTIMATE_OUTPUT_TOKENS = 6_000;

export type CostBasis = 'per_request' | 'tokens' | 'unknown' | 'free';

/** An item's cost: `usd` absent when it cannot be told (basis unknown, `note` says why). */
export type Cost = {
	usd?: number;
	basis: CostBasis;
	model?: string;
	note?: string;
};

interface ItemCharge {
	models: string[];
	images: number;
}

function round(usd: number): number {
	return Math.round(usd * 1e8) / 1e8;
}

function tokenCost(price: Extract<Price, { mode: 'tokens' }>, input: number, output: number): number {
	return (input * price.input + output * price.output) / 1e6;
}

/** The run's spending: the items' charges, the estimates in flight, the cost so far, the cap. */
export class RunSpend {
	private spent = 0;

	/** Each item's estimates of its paid requests not yet settled. */
	private readonly held = new Map<number, number>();

	/** Each item's paid requests: the model and the images asked for. */
	private readonly charges = new Map<number, ItemCharge>();

	/** The dearest answered cost per image of each token-priced model in this run. */
	private readonly perImage = new Map<string, number>();

	private list?: Promise<PriceList>;

	private capReached = false;

	constructor(
		/** Max Spend per Run in USD; undefined: no cap. */
		readonly cap: number | undefined,
		private readonly readList: () => Promise<PriceList>,
	) {}

	private prices(): Promise<PriceList> {
		this.list ??= this.readList();
		return this.list;
	}

	/** The cost so far and the estimates in flight. */
	committed(): number {
		let total = this.spent;
		for (const estimate of this.held.values()) total += estimate;
		return total;
	}

	private estimate(model: string, price: Price | undefined, images: number): number {
		if (!price) return 0;
		if (price.mode === 'per_request') return price.usd * images;
		const each = this.perImage.get(model) ?? tokenCost(price, ESTIMATE_INPUT_TOKENS, ESTIMATE_OUTPUT_TOKENS);
		return each * images;
	}

	/**
	 * Told before an item's paid request is sent (its first attempt): records its charge and, with a
	 * cap, holds its estimate. Returns why it may not be sent when the cap would be passed.
	 */
	async beforePaid(itemIndex: number, charge: Charge): Promise<string | undefined> {
		if (this.cap !== undefined) {
			const list = await this.prices();
			const { model, price } = findPrice(list, charge.models);
			const estimate = this.estimate(model, price, charge.images);
			const committed = this.committed();
			if (this.capReached || committed + estimate > this.cap) {
				this.capReached = true;
				return (
					`Max Spend per Run ($${this.cap}) reached: this run has spent or has in flight about $${round(committed)}` +
					(estimate > 0 ? ` and this request is estimated at $${round(estimate)}` : '')
				);
			}
			this.held.set(itemIndex, (this.held.get(itemIndex) ?? 0) + estimate);
		}
		const known = this.charges.get(itemIndex);
		this.charges.set(itemIndex, {
			models: known?.models ?? charge.models,
			images: (known?.images ?? 0) + charge.images,
		});
		return undefined;
	}

	/** The item's cost: from its paid requests' price, and for token prices the reply's usage. */
	private async costOf(itemIndex: number, usage: unknown): Promise<{ cost: Cost; images: number }> {
		const charge = this.charges.get(itemIndex);
		if (!charge) return { cost: { usd: 0, basis: 'free' }, images: 0 };
		const list = await this.prices();
		const { model, price } = findPrice(list, charge.models);
		if (!price) {
			const note = 'unavailable' in list ? list.unavailable : 'the model has no price in CometAPI’s price list';
			return { cost: { basis: 'unknown', model, note }, images: charge.images };
		}
		if (price.mode === 'per_request') {
			return { cost: { usd: round(price.usd * charge.images), basis: 'per_request', model }, images: charge.images };
		}
		const tokens = usageTokens(usage);
		if (!tokens) return { cost: { basis: 'unknown', model, note: 'the reply had no token usage' }, images: charge.images };
		const usd = tokenCost(price, tokens.input, tokens.output);
		this.perImage.set(model, Math.max(this.perImage.get(model) ?? 0, usd / charge.images));
		return { cost: { usd: round(usd), basis: 'tokens', model }, images: charge.images };
	}

	/** An item's work is over: its cost counts as spent (what it held in flight when its cost is unknown). */
	private settle(itemIndex: number, cost: Cost | undefined): void {
		const held = this.held.get(itemIndex) ?? 0;
		this.held.delete(itemIndex);
		if (cost) this.spent += cost.usd ?? held;
	}

	/**
	 * An item's output: each of its output items gets `cost`, the item's cost shared evenly among
	 * them (so the output's costs add up to the run's).
	 */
	async outputWithCost(itemIndex: number, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
		const usage = (items[0]?.json as IDataObject | undefined)?.usage;
		const { cost } = await this.costOf(itemIndex, usage);
		this.settle(itemIndex, cost);
		const share = cost.usd !== undefined && items.length > 1 ? round(cost.usd / items.length) : cost.usd;
		return items.map((item) => ({
			...item,
			json: { ...item.json, cost: { ...cost, ...(share !== undefined ? { usd: share } : {}) } },
		}));
	}

	/** A failed item's cost when its work was (or may have been) billed; undefined when it was not. */
	async failedItemCost(itemIndex: number, billed: 'yes' | 'no' | 'unknown'): Promise<Cost | undefined> {
		if (billed === 'no') {
			this.settle(itemIndex, undefined);
			return undefined;
		}
		const { cost } = await this.costOf(itemIndex, undefined);
		this.settle(itemIndex, cost);
		return cost;
	}
}
