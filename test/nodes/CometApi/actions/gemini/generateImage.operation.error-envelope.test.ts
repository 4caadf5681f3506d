import { answerGemini, googleErrorIn200, useFakeGeminiApi } from '../../../../helpers/fake-gemini';

/*
 * Google's error envelope ({"error":{code,message,status}}) in an HTTP 200 on generateContent: the
 * gateway keeps the status of what it relays (FAKES.md). The item fails with Google's message, sent
 * once, and says nothing was billed (no image was made).
 */

const gemini = useFakeGeminiApi();
const MESSAGE = 'Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';

describe('Gemini, an error envelope in an HTTP 200', () => {
	it('fails the item with Google’s message, after one request', async () => {
		answerGemini(() => googleErrorIn200(MESSAGE));
		const { error, output } = await gemini.run();
		expect(gemini.sent()).toHaveLength(1);
		expect(gemini.sent()[0].status).toBe(200);
		expect(output).toHaveLength(0);
		expect(error?.message).toContain(MESSAGE);
	});

	it('with Continue On Fail, the error item quotes Google and says billed no', async () => {
		answerGemini(() => googleErrorIn200(MESSAGE, 'INTERNAL', 500));
		const { error, output } = await gemini.run({}, { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(gemini.sent()).toHaveLength(1);
		expect(output).toHaveLength(1);
		expect(String(output[0].json.error)).toContain(MESSAGE);
		expect(output[0].binary).toBeUndefined();
		expect(output[0].json.billed).toBe('no');
	});
});
