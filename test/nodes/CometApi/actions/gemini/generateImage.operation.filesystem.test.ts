import { useFakeGeminiApi } from '../../../../helpers/fake-gemini';
import { binaryBuffer } from '../../../../helpers/harness';
import { makeJpeg, makePng } from '../../../../helpers/images';

// n8n's default binary mode on a server: reference images are read from files in chunks, results stored as files.
const fake = useFakeGeminiApi({ filesystemBinaryMode: true });

describe('Gemini: Generate or Edit Image in filesystem binary mode', () => {
	it('reads reference images stored as files and stores the result as a file', async () => {
		const product = makePng(40, 30, 2);
		const style = makeJpeg(32, 32, 6);
		const { error, output } = await fake.run(
			{ referenceImages: 'product, style', aspectRatio: '16:9', imageSize: '2K' },
			{
				input: [
					{
						binary: {
							product: { data: product, fileName: 'product.png', mimeType: 'image/png', stream: true },
							style: { data: style, fileName: 'style.jpg', mimeType: 'image/jpeg' },
						},
					},
				],
			},
		);
		expect(error).toBeUndefined();
		const parts = (fake.sent()[0].json?.contents as Array<{ parts: unknown[] }>)[0].parts;
		expect(parts).toEqual([
			{ text: 'a lighthouse' },
			{ inlineData: { mimeType: 'image/png', data: product.toString('base64') } },
			{ inlineData: { mimeType: 'image/jpeg', data: style.toString('base64') } },
		]);
		expect(output).toHaveLength(1);
		const binary = output[0].binary!.data;
		expect(binary.id).toMatch(/^filesystem-v2:/);
		expect(binary).toMatchObject({ fileName: 'image_1.png', mimeType: 'image/png' });
		expect(await binaryBuffer(binary)).toEqual(makePng(16, 9, 1));
	});
});
