import { sleep } from 'n8n-workflow';

import { ItemSlots } from '../../../../nodes/CometApi/actions/item-slots';

/** Lets every pending promise callback run. */
const settle = async () => await sleep(0);

describe('ItemSlots', () => {
	it('admits `size` items at once; the next enters when one is done, in order', async () => {
		const slots = new ItemSlots(2);
		const entered: number[] = [];
		const enter = (item: number) => slots.enter(item).then(() => entered.push(item));
		void enter(0);
		void enter(1);
		void enter(2);
		void enter(3);
		await settle();
		expect(entered).toEqual([0, 1]);
		slots.done(1);
		await settle();
		expect(entered).toEqual([0, 1, 2]);
		slots.done(0);
		await settle();
		expect(entered).toEqual([0, 1, 2, 3]);
	});

	it('an answered request gives the slot to the next item; done() after it gives nothing back twice', async () => {
		const slots = new ItemSlots(1);
		const entered: number[] = [];
		await slots.enter(0);
		void slots.enter(1).then(() => entered.push(1));
		void slots.enter(2).then(() => entered.push(2));
		slots.requestAnswered(0);
		await settle();
		expect(entered).toEqual([1]);
		slots.done(0);
		await settle();
		expect(entered).toEqual([1]);
		slots.done(1);
		await settle();
		expect(entered).toEqual([1, 2]);
	});
});
