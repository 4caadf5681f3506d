import { buttonsOf, taskImage, useFakeMidjourney } from '../../../../helpers/fake-midjourney';
import { binaryBuffer } from '../../../../helpers/harness';
import { makePng } from '../../../../helpers/images';

/*
 * Action (a button of a finished task) and Vary Region / Modal: labels are looked up in the task's
 * current buttons; a button that opens a form ends in MODAL, which Modal continues.
 */

const mj = useFakeMidjourney();

/** An Imagine run whose output item feeds the next operation. */
async function imagined() {
	const { error, output } = await mj.run({ operation: 'imagine', prompt: 'a lighthouse --ar 3:2' });
	expect(error).toBeUndefined();
	return output[0];
}

const press = async (button: string, from: Awaited<ReturnType<typeof imagined>>, options = {}) =>
	await mj.run({ operation: 'action', taskId: '={{ $json.taskId }}', button, options }, { input: [{ json: from.json }] });

describe('Midjourney Action', () => {
	it('Imagine → Action U1 with the task ID from the previous item: the button’s current customId, a JPEG upscale out', async () => {
		const grid = await imagined();
		const parent = mj.lastTask();
		const before = mj.sequence().length;
		const { error, output } = await press('U1', grid);
		expect(error).toBeUndefined();
		const sequence = mj.sequence().slice(before);
		// one look at the parent's buttons, one submission, polls, the image
		expect(sequence[0]).toBe('POST /mj/task/list-by-condition');
		expect(sequence[1]).toBe('POST /mj/submit/action');
		expect(sequence.slice(2, -1).every((line) => line === 'POST /mj/task/list-by-condition')).toBe(true);
		expect(sequence.at(-1)).toBe('GET /mj/image/{id}');
		expect(mj.submissions('action')[0].json).toEqual({ taskId: parent.id, customId: buttonsOf(parent)[0].customId });
		const upscale = mj.lastTask();
		expect(output[0].json).toMatchObject({ taskId: upscale.id, action: 'UPSCALE', status: 'SUCCESS' });
		expect((output[0].json.buttons as Array<{ label: string }>).map((b) => b.label)).toContain('Vary (Region)');
		expect(output[0].binary?.data).toMatchObject({ fileName: 'image_1.jpeg', mimeType: 'image/jpeg' });
		expect(await binaryBuffer(output[0].binary!.data)).toEqual(taskImage(upscale).data);
	});

	it.each([
		['V3', 'MJ::JOB::variation::3::'],
		['🔄', 'MJ::JOB::reroll::0::'],
		['u2', 'MJ::JOB::upsample::2::'],
	])('the label %s is found among the task’s buttons (by label or emoji)', async (label, prefix) => {
		await press(label, await imagined());
		expect(String(mj.submissions('action')[0].json?.customId)).toContain(prefix);
		expect(String(mj.submissions('action')[0].json?.customId)).toMatch(/::[0-9a-f]{32}/);
	});

	it('a raw customId is sent as it is, without reading the task first', async () => {
		const grid = await imagined();
		const customId = String(buttonsOf(mj.lastTask())[6].customId);
		const before = mj.sequence().length;
		const { error } = await press(customId, grid);
		expect(error).toBeUndefined();
		expect(mj.sequence()[before]).toBe('POST /mj/submit/action');
		expect(mj.submissions('action')[0].json?.customId).toBe(customId);
	});

	it('a label the task has no button for is an error naming its buttons; nothing is submitted', async () => {
		const { error } = await press('U9', await imagined());
		expect(error?.message).toBe('Item 0: the task has no button "U9"');
		expect(error?.description).toContain('U1, U2, U3, U4, 🔄, V1, V2, V3, V4');
		expect(mj.submissions('action')).toHaveLength(0);
	});

	it('a customId of another task is refused by the API (customIds change per task): the description is quoted', async () => {
		const first = await imagined();
		const stale = buttonsOf(mj.lastTask())[0].customId;
		await imagined();
		const { error } = await mj.run({ operation: 'action', taskId: mj.lastTask().id, button: stale }, { input: [{ json: first.json }] });
		expect(error?.message).toContain(`Midjourney did not take the task: customId ${stale} is not a button`);
	});

	it('Vary (Region) ends in MODAL: the item is output with status MODAL (no error, no image); Modal continues it with mask and prompt', async () => {
		await imagined();
		const upscaled = await press('U1', { json: { taskId: mj.lastTask().id } } as never);
		const modal = await press('Vary (Region)', upscaled.output[0]);
		expect(modal.error).toBeUndefined();
		expect(modal.output[0].json).toMatchObject({ taskId: mj.lastTask().id, action: 'INPAINT', status: 'MODAL' });
		expect(modal.output[0].binary).toBeUndefined();

		const mask = makePng(8, 8, 200);
		const { error, output } = await mj.run(
			{ operation: 'modal', taskId: '={{ $json.taskId }}', prompt: 'a red sailboat', maskField: 'mask' },
			{ input: [{ json: modal.output[0].json, binary: { mask: { data: mask, mimeType: 'image/png' } } }] },
		);
		expect(error).toBeUndefined();
		expect(mj.submissions('modal')[0].json).toEqual({
			taskId: modal.output[0].json.taskId,
			prompt: 'a red sailboat',
			maskBase64: `data:image/png;base64,${mask.toString('base64')}`,
		});
		expect(output[0].json).toMatchObject({ action: 'VARIATION', status: 'SUCCESS', prompt: 'a red sailboat' });
		expect(output[0].binary?.data.mimeType).toBe('image/png');
	});

	it('Modal without a mask (Custom Zoom) sends the prompt alone', async () => {
		await imagined();
		await press('U1', { json: { taskId: mj.lastTask().id } } as never);
		const zoom = await press('Custom Zoom', { json: { taskId: mj.lastTask().id } } as never);
		expect(zoom.output[0].json.status).toBe('MODAL');
		const { error } = await mj.run({ operation: 'modal', taskId: String(zoom.output[0].json.taskId), prompt: 'a lighthouse --zoom 1.5', maskField: '' });
		expect(error).toBeUndefined();
		expect(mj.submissions('modal')[0].json).toEqual({ taskId: zoom.output[0].json.taskId, prompt: 'a lighthouse --zoom 1.5' });
	});

	it.each([
		['action', { taskId: ' ', button: 'U1' }, 'the Task ID is empty'],
		['action', { taskId: '1', button: ' ' }, 'the Button is empty'],
		['modal', { taskId: ' ', prompt: 'x' }, 'the Task ID is empty'],
		['modal', { taskId: '1', prompt: ' ' }, 'the Prompt is empty'],
		['modal', { taskId: '1', prompt: 'x', maskField: 'mask' }, 'has no binary property "mask"'],
	])('%s with %j is refused before any request', async (operation, parameters, message) => {
		const { error } = await mj.run({ operation, ...parameters });
		expect(error?.message).toContain(message);
		expect(mj.api.requests).toHaveLength(0);
	});
});
