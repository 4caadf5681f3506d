/**
 * Admits at most `size` items of a node run into the phase that holds their inputs and their
 * request. An item leaves that phase as soon as its request to CometAPI is answered, so the next
 * item's upload starts while earlier items are still decoding and storing their images.
 */
export class ItemSlots {
	private free: number;

	private readonly waiting: Array<() => void> = [];

	private readonly holders = new Map<number, () => void>();

	constructor(size: number) {
		this.free = size;
	}

	/** Waits for a slot for the item; the slot is given back by requestAnswered() or done(). */
	async enter(itemIndex: number): Promise<void> {
		if (this.free > 0) this.free -= 1;
		else await new Promise<void>((resolve) => this.waiting.push(resolve));
		let held = true;
		this.holders.set(itemIndex, () => {
			if (!held) return;
			held = false;
			this.holders.delete(itemIndex);
			const next = this.waiting.shift();
			if (next) next();
			else this.free += 1;
		});
	}

	/** The item's request was answered: its slot goes to the next item. */
	requestAnswered(itemIndex: number): void {
		this.holders.get(itemIndex)?.();
	}

	/** The item is finished (or failed): gives its slot back if it still holds it. */
	done(itemIndex: number): void {
		this.holders.get(itemIndex)?.();
	}
}
