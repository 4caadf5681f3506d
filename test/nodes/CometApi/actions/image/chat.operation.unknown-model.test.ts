import { sseReply, sseText, useFakeChatApi } from '../../../../helpers/fake-chat';
import { errorReply, type FakeReply } from '../../../../helpers/fake-cometapi';
import { model } from '../../../../helpers/harness';

/*
 * Generate with Chat Model (chat) with a model CometAPI does not know or does not serve: the error names the account's
 * chat image models (GET /models), whichever way the refusal comes (HTTP status, an error event
 * in the stream, an error in a 200).
 */

const fake = useFakeChatApi();
const { api } = fake;

const CHAT = '/v1/chat/completions';
const UNKNOWN = 'gpt-4o-image-old';
// The fake account's models that answer chat requests with images (fake-cometapi.ts MODELS), sorted.
const SUGGESTED = 'gemini-2.5-flash-image, gemini-3.1-flash-image, gpt-4o-image, gpt-image-1';

const refuseChat = (reply: FakeReply) => api.override((request) => (request.path === CHAT ? reply : undefined));
const run = async (parameters: Record<string, unknown> = {}) =>
	await fake.run({ modelId: model(UNKNOWN, 'id'), ...parameters }, { continueOnFail: true });
const sent = () => api.requests.map((r) => `${r.method} ${r.path}`);

describe('Generate with Chat Model: a model that does not exist or is not available', () => {
	it('a 404 model_not_found names the account’s chat image models, not generation, edit or text models; not billed', async () => {
		refuseChat(errorReply(404, `model ${UNKNOWN} not found`, 'model_not_found'));
		const { error, output } = await run();
		expect(error).toBeUndefined();
		expect(output[0].json).toMatchObject({ httpCode: '404', code: 'model_not_found', reason: 'not_found', billed: 'no' });
		expect(output[0].json.description).toContain(
			`The model "${UNKNOWN}" is not available. Models of your account that fit this operation: ${SUGGESTED}.`,
		);
		expect(output[0].json.suggestedModels).toBeUndefined();
		expect(sent()).toEqual([`POST ${CHAT}`, 'GET /v1/models']);
	});

	it('an error chunk in the stream that says the model does not exist names them too', async () => {
		const chunk = { error: { message: `The model \`${UNKNOWN}\` does not exist`, type: 'invalid_request_error', code: 'model_not_found' } };
		refuseChat(sseReply(sseText([chunk])));
		const { output } = await run();
		expect(output[0].json.description).toContain(`Models of your account that fit this operation: ${SUGGESTED}.`);
		expect(output[0].json).toMatchObject({ billed: 'no' });
		expect(sent()).toEqual([`POST ${CHAT}`, 'GET /v1/models']);
	});

	it('a gateway’s “no available channel for the model” in a 200 (not streamed) names them too', async () => {
		refuseChat({ status: 200, json: { error: { message: `No available channel for model ${UNKNOWN} under group default`, type: 'comet_api_error', code: 'model_not_found' } } });
		const { output } = await run({ options: { stream: false } });
		expect(output[0].json.description).toContain(`Models of your account that fit this operation: ${SUGGESTED}.`);
		expect(api.requests.find((r) => r.path === CHAT)?.json).toMatchObject({ model: UNKNOWN, stream: false });
		expect(sent()).toEqual([`POST ${CHAT}`, 'GET /v1/models']);
	});

	it('other refusals do not read the model list', async () => {
		refuseChat(errorReply(400, 'messages: content must not be empty', 'invalid_request_error', 'messages'));
		const { output } = await run();
		expect(String(output[0].json.description)).not.toContain('Models of your account');
		expect(sent()).toEqual([`POST ${CHAT}`]);
	});
});
