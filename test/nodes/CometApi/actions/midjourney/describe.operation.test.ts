import { splitPrompts } from '../../../../../nodes/CometApi/actions/midjourney/midjourney-api';
import { DESCRIBE_PROMPTS, useFakeMidjourney } from '../../../../helpers/fake-midjourney';
import type { InputItem } from '../../../../helpers/harness';
import { makeJpeg } from '../../../../helpers/images';

/* Describe: an image into the prompts Midjourney suggests. */

const mj = useFakeMidjourney();
const images = { b: makeJpeg(8, 8, 2) };
const input: InputItem[] = [{ binary: { b: { data: images.b, mimeType: 'image/jpeg' } } }];

describe('Midjourney Describe', () => {
	it('sends one image as a data URI; outputs promptEn and the numbered prompts as a list, nothing downloaded', async () => {
		const { error, output } = await mj.run({ operation: 'describe', imageField: 'b' }, { input });
		expect(error).toBeUndefined();
		expect(mj.submissions('describe')[0].json).toEqual({ base64: `data:image/jpeg;base64,${images.b.toString('base64')}`, botType: 'MID_JOURNEY' });
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ action: 'DESCRIBE', status: 'SUCCESS', prompts: DESCRIBE_PROMPTS });
		expect(String(output[0].json.promptEn)).toContain('1️⃣');
		expect(output[0].binary).toBeUndefined();
		expect(mj.sequence()).not.toContain('GET /mj/image/{id}');
	});

	it('an empty Image Field is refused before any request', async () => {
		const { error } = await mj.run({ operation: 'describe', imageField: ' ' }, { input });
		expect(error?.message).toContain('Image Field is empty');
		expect(mj.api.requests).toHaveLength(0);
	});

	it.each([
		['keycaps', '1️⃣ a cat --ar 1:1\n\n2️⃣ a dog\n\n3️⃣ a bird', ['a cat --ar 1:1', 'a dog', 'a bird']],
		['numbers', '1. a cat\n2. a dog', ['a cat', 'a dog']],
		['plain paragraphs', 'a cat\n\na dog', ['a cat', 'a dog']],
	])('the suggestions are split when numbered with %s', (_case, text, prompts) => {
		expect(splitPrompts(text)).toEqual(prompts);
	});
});
