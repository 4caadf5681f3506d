import busboy from 'busboy';

import { BadRequest, checkEnums, checkGptImage, errorReply, imagesReply, registerRoute, requireInteger, requireString } from './fake-cometapi';
import type { RecordedRequest } from './fake-cometapi';

/*
 * POST /v1/images/edits on the fake CometAPI: the multipart body is parsed with a real multipart
 * parser (busboy) and checked as strictly as OpenAI's API checks it: files in `image` or `image[]`
 * (never both), each with a file name and a supported image content type that matches its bytes,
 * an optional PNG `mask`, text fields with valid values, and no field a GPT image model refuses.
 */

export interface MultipartFile {
	field: string;
	fileName: string;
	mimeType: string;
	data: Buffer;
}

export interface Multipart {
	/** Text fields in arrival order (a name may repeat). */
	fields: Array<[string, string]>;
	/** File parts in arrival order. */
	files: MultipartFile[];
	/** Every part name in arrival order. */
	order: string[];
}

/** Parses a recorded request's multipart/form-data body. */
export function parseMultipart(request: RecordedRequest): Promise<Multipart> {
	return new Promise((resolve, reject) => {
		const result: Multipart = { fields: [], files: [], order: [] };
		let parser: busboy.Busboy;
		try {
			parser = busboy({ headers: request.headers });
		} catch (error) {
			reject(error as Error);
			return;
		}
		parser.on('field', (name, value) => {
			result.fields.push([name, value]);
			result.order.push(name);
		});
		parser.on('file', (name, stream, info) => {
			result.order.push(name);
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () =>
				result.files.push({ field: name, fileName: info.filename, mimeType: info.mimeType, data: Buffer.concat(chunks) }),
			);
		});
		parser.on('close', () => resolve(result));
		parser.on('error', reject);
		parser.end(request.body);
	});
}

const SUPPORTED_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const GPT_IMAGE_EDIT_FIELDS = new Set([
	'model', 'prompt', 'n', 'size', 'quality', 'output_format', 'output_compression', 'background',
	'input_fidelity', 'user', 'stream', 'partial_images',
]);
const INTEGER_FIELDS = new Set(['n', 'output_compression', 'partial_images']);

function sniff(data: Buffer): string | undefined {
	if (data.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) return 'image/png';
	if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
	if (data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
	return undefined;
}

/** Colour type 4 or 6 (with alpha), or a tRNS chunk before the image data. */
function pngHasAlpha(data: Buffer): boolean {
	if (data[25] === 4 || data[25] === 6) return true;
	const trns = data.indexOf('tRNS', 8, 'latin1');
	return trns !== -1 && trns < data.indexOf('IDAT', 8, 'latin1');
}

function refuse(message: string, code: string, param = ''): never {
	throw new BadRequest(errorReply(400, message, code, param));
}

function checkFile(file: MultipartFile): void {
	if (!file.fileName) refuse(`Invalid file '${file.field}': the part has no file name.`, 'invalid_file', file.field);
	if (!SUPPORTED_TYPES.includes(file.mimeType)) {
		refuse(
			`Invalid file '${file.field}': unsupported mimetype ('${file.mimeType}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`,
			'invalid_image_format',
			file.field,
		);
	}
	if (sniff(file.data) !== file.mimeType) {
		refuse(`Invalid file '${file.field}': the content is not a valid ${file.mimeType} image.`, 'invalid_image', file.field);
	}
}

/** The text fields as a body object (integers as numbers), refusing repeated names. */
function textBody(fields: Array<[string, string]>): Record<string, unknown> {
	const body: Record<string, unknown> = {};
	for (const [name, value] of fields) {
		if (name in body) refuse(`Duplicate parameter: '${name}'.`, 'invalid_request', name);
		if (name === 'image' || name === 'image[]' || name === 'mask') {
			refuse(`Invalid file '${name}': expected a file, got a text field.`, 'invalid_file', name);
		}
		body[name] = INTEGER_FIELDS.has(name) && /^-?\d+$/.test(value) ? Number(value) : value;
	}
	return body;
}

// OpenAI's image edits, multipart (platform.openai.com/docs/api-reference/images/createEdit); CometAPI: apidoc.cometapi.com/api/image/openai/image-editing.
registerRoute('POST /v1/images/edits', async (request, context) => {
	if (!/^multipart\/form-data;\s*boundary=/i.test(String(request.headers['content-type'] ?? ''))) {
		return errorReply(400, 'Content-Type must be multipart/form-data with a boundary', 'invalid_request');
	}
	const { fields, files } = await parseMultipart(request);
	const body = textBody(fields);
	requireString(body, 'model', true);
	requireString(body, 'prompt', true);
	requireInteger(body, 'n', 1, 10);
	requireInteger(body, 'output_compression', 0, 100);
	checkEnums(body);
	if (body.input_fidelity !== undefined && !['low', 'high'].includes(String(body.input_fidelity))) {
		refuse(`Invalid value for 'input_fidelity': ${JSON.stringify(body.input_fidelity)}.`, 'invalid_value', 'input_fidelity');
	}
	checkGptImage(body);
	const model = String(body.model);
	if (model.startsWith('gpt-image')) {
		for (const field of Object.keys(body)) {
			if (!GPT_IMAGE_EDIT_FIELDS.has(field)) refuse(`Unknown parameter: '${field}'.`, 'unknown_parameter', field);
		}
	}

	for (const file of files) {
		if (!['image', 'image[]', 'mask'].includes(file.field)) {
			refuse(`Unknown file parameter: '${file.field}'.`, 'unknown_parameter', file.field);
		}
		checkFile(file);
	}
	const single = files.filter((file) => file.field === 'image');
	const array = files.filter((file) => file.field === 'image[]');
	if (single.length > 0 && array.length > 0) refuse("Send images either as 'image' or as 'image[]', not both.", 'invalid_request', 'image');
	if (single.length > 1) refuse("Several images must be sent as 'image[]'.", 'invalid_request', 'image');
	const images = [...single, ...array];
	if (images.length === 0) refuse("Missing required parameter: 'image'.", 'missing_required_parameter', 'image');
	if (images.length > 16) refuse('Too many images: at most 16 may be edited at once.', 'invalid_value', 'image');
	const masks = files.filter((file) => file.field === 'mask');
	if (masks.length > 1) refuse('Only one mask may be sent.', 'invalid_request', 'mask');
	if (masks.length === 1 && masks[0].mimeType !== 'image/png') {
		refuse("Invalid file 'mask': the mask must be a PNG.", 'invalid_image_format', 'mask');
	}
	if (masks.length === 1 && masks[0].data.length >= 4 * 1024 * 1024) {
		refuse("Invalid file 'mask': the mask must be less than 4 MB.", 'invalid_image', 'mask');
	}
	if (masks.length === 1 && !pngHasAlpha(masks[0].data)) {
		refuse("Invalid file 'mask': the mask must be a PNG with an alpha channel.", 'invalid_image', 'mask');
	}
	return imagesReply(body, context);
});
