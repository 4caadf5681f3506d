import { parseGeminiReply } from '../../../../nodes/CometApi/helpers/gemini-reply';

describe('parseGeminiReply', () => {
	it('reads images (thoughts flagged), text, finish reason, usage, grounding and the model version', () => {
		const reply = parseGeminiReply({
			candidates: [
				{
					content: {
						role: 'model',
						parts: [
							{ text: 'plan', thought: true },
							{ inlineData: { mimeType: 'image/png', data: 'AAAA' }, thought: true },
							{ text: 'Here you go.' },
							{ inline_data: { mime_type: 'image/jpeg', data: 'BBBB' } },
							{ text: '   ' },
						],
					},
					finishReason: 'STOP',
					groundingMetadata: {
						webSearchQueries: ['q1', 'q1'],
						groundingChunks: [{ web: { uri: 'https://a.example', title: 'A' } }, { web: { uri: 'https://b.example' } }, { retrievedContext: {} }],
					},
				},
			],
			usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 20 },
			modelVersion: 'gemini-3.1-flash-image-preview',
		});
		expect(reply).toEqual({
			images: [
				{ data: 'AAAA', mimeType: 'image/png', thought: true },
				{ data: 'BBBB', mimeType: 'image/jpeg', thought: false },
			],
			text: 'Here you go.',
			thoughtText: 'plan',
			finishReason: 'STOP',
			finishMessage: undefined,
			blockReason: undefined,
			blockReasonMessage: undefined,
			usage: { promptTokenCount: 10, candidatesTokenCount: 20 },
			modelVersion: 'gemini-3.1-flash-image-preview',
			sources: [{ title: 'A', uri: 'https://a.example' }, { uri: 'https://b.example' }],
			searchQueries: ['q1'],
			candidateCount: 1,
		});
	});

	it('reads a blocked prompt in either case, and survives odd shapes', () => {
		expect(parseGeminiReply({ prompt_feedback: { block_reason: 'OTHER', block_reason_message: 'no' } })).toMatchObject({
			blockReason: 'OTHER',
			blockReasonMessage: 'no',
			candidateCount: 0,
			images: [],
		});
		expect(parseGeminiReply({ candidates: [null, { content: { parts: 'x' } }] as never })).toMatchObject({ candidateCount: 1, images: [], text: '' });
	});
});
