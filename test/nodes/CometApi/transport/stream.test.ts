import { SseDecoder, type SseEvent } from '../../../../nodes/CometApi/transport';

/** Decodes the bytes fed in the given pieces. */
function decode(pieces: Array<Buffer | string>): SseEvent[] {
	const decoder = new SseDecoder();
	const events = pieces.flatMap((piece) => decoder.push(piece));
	return [...events, ...decoder.end()];
}

/** Every way of cutting the bytes in two, and cutting them after every byte. */
function cuts(text: string): Buffer[][] {
	const bytes = Buffer.from(text, 'utf8');
	const ways: Buffer[][] = [];
	for (let at = 0; at <= bytes.length; at++) ways.push([bytes.subarray(0, at), bytes.subarray(at)]);
	ways.push(Array.from(bytes, (byte) => Buffer.from([byte])));
	return ways;
}

describe('SseDecoder', () => {
	const expected: SseEvent[] = [
		{ event: 'message', data: '{"a":"ü✅🏃"}' },
		{ event: 'message', data: 'two\nlines' },
		{ event: 'error', data: '{"error":{"message":"boom"}}' },
		{ event: 'message', data: '[DONE]' },
	];

	it.each([
		['LF', '\n'],
		['CRLF', '\r\n'],
		['CR', '\r'],
	])('reads %s line endings wherever the chunks are cut, even inside a UTF-8 character', (_name, eol) => {
		const text = [
			': keep-alive comment',
			'',
			'data: {"a":"ü✅🏃"}',
			'',
			'data: two',
			'data:lines',
			'id: 7',
			'',
			'event: error',
			'data: {"error":{"message":"boom"}}',
			'',
			'data: [DONE]',
			'',
			'',
		].join(eol);
		for (const pieces of cuts(text)) expect(decode(pieces)).toEqual(expected);
	});

	it('takes strings as well as bytes, skips a byte order mark, and keeps a last event without its blank line', () => {
		expect(decode(['\uFEFFdata: x\n', '\ndata: y'])).toEqual([
			{ event: 'message', data: 'x' },
			{ event: 'message', data: 'y' },
		]);
	});

	it('an event with no data is no event', () => {
		expect(decode(['event: ping\n\n', 'retry: 1000\n\n'])).toEqual([]);
	});
});
