import { sleep } from 'n8n-workflow';

import { DivertingJsonReader, type StringDiversion } from '../../../../nodes/CometApi/transport/json-stream';
import { binaryBuffer } from '../../../helpers/harness';
import { makePng } from '../../../helpers/images';
import { runGenerate, useFakeCometApi } from '../../../helpers/setup';

/** A sink that keeps what it was given, to compare with JSON.parse's reading of the same string. */
function recordingDiversion(keys: string[]): StringDiversion & { pieces: string[][] } {
	const pieces: string[][] = [];
	return {
		pieces,
		keys: new Set(keys),
		open: () => {
			const received: string[] = [];
			pieces.push(received);
			return { write: (text) => received.push(text), end: () => ({ diverted: received.join('') }) };
		},
	};
}

/** Reads `json` through the reader in chunks of `size` bytes; the parsed reply with the sinks' results. */
function readInChunks(json: string, size: number, keys = ['b64_json']) {
	const diversion = recordingDiversion(keys);
	const reader = new DivertingJsonReader(diversion);
	const bytes = Buffer.from(json);
	for (let at = 0; at < bytes.length; at += size) reader.write(bytes.subarray(at, at + size));
	const skeleton = reader.text();
	return { value: reader.restore(JSON.parse(skeleton)), skeleton, diversion };
}

/** What the reader should give: JSON.parse's reading, with every `keys` string (non-empty) as its sink's result. */
function expected(json: string, keys = ['b64_json']): unknown {
	return JSON.parse(json, (key, value: unknown) =>
		keys.includes(key) && typeof value === 'string' && value !== '' ? { diverted: value } : value,
	);
}

describe('DivertingJsonReader', () => {
	const base64 = makePng(9, 9).toString('base64');
	const replies: Array<[string, string]> = [
		['an images reply', JSON.stringify({ created: 1, data: [{ b64_json: base64, revised_prompt: 'a "kite"' }, { b64_json: base64 }], usage: { total_tokens: 3 } })],
		['escapes inside the diverted string', `{"data":[{"b64_json":"${base64.slice(0, 10)}\\/\\n\\u0041\\"x\\\\${base64.slice(10)}"}]}`],
		['white space around the colon, and the key as a value elsewhere', `{ "note" : "b64_json" , "data" : [ { "b64_json"\n :\t"${base64}" } ], "b64_json_x": "kept" }`],
		['a key holding escapes and quotes, and nested objects', `{"a\\"b":{"c":["b64_json",{"b64_json":"${base64}"}]},"z":"\\u0000not a marker"}`],
		['non-string values under the key', '{"data":[{"b64_json":null},{"b64_json":""},{"b64_json":5,"url":"https://x/y.png"}]}'],
		['unicode outside the diverted strings', `{"revised_prompt":"Drachen über Wolken ☁️","data":[{"b64_json":"${base64}"}]}`],
	];

	it.each(replies)('%s: the same reading as JSON.parse, in chunks of any size', (_case, json) => {
		for (const size of [1, 2, 3, 7, 64, json.length]) {
			expect(readInChunks(json, size).value).toEqual(expected(json));
		}
	});

	it('keeps none of the diverted text: the skeleton holds a short marker instead', () => {
		const big = Buffer.alloc(2 * 1024 * 1024, 1).toString('base64');
		const json = JSON.stringify({ data: [{ b64_json: big }, { b64_json: big }] });
		const { skeleton, diversion, value } = readInChunks(json, 65_536);
		expect(skeleton.length).toBeLessThan(200);
		expect(diversion.pieces).toHaveLength(2);
		expect((value as { data: Array<{ b64_json: { diverted: string } }> }).data[1].b64_json.diverted === big).toBe(true);
	});

	it('a reply cut inside a diverted string is not valid JSON', () => {
		const json = `{"data":[{"b64_json":"${base64}"}]}`;
		const { text } = (() => {
			const reader = new DivertingJsonReader(recordingDiversion(['b64_json']));
			reader.write(Buffer.from(json.slice(0, 40)));
			return { text: reader.text() };
		})();
		expect(() => JSON.parse(text)).toThrow();
	});

	it.each([1, 7, 4096])('tells each sink what is left of a reply of known length after the string opens (chunks of %p bytes)', (size) => {
		const json = JSON.stringify({ data: [{ b64_json: base64 }, { b64_json: 'QUJD' }] });
		const remaining: Array<number | undefined> = [];
		const reader = new DivertingJsonReader(
			{ keys: new Set(['b64_json']), open: (_key, left) => (remaining.push(left), { write: () => undefined, end: () => 'x' }) },
			json.length,
		);
		const bytes = Buffer.from(json);
		for (let at = 0; at < bytes.length; at += size) reader.write(bytes.subarray(at, at + size));
		const opens = [...json.matchAll(/"b64_json":"/g)].map((match) => json.length - (match.index + match[0].length));
		expect(remaining).toEqual(opens);
		expect(remaining[0]).toBeGreaterThan(base64.length);
		expect(readInChunks(json, size).diversion.pieces).toHaveLength(2);
	});

	it.each([1, 7, 4096])('waits before a diverted string while the diversion is not ready, then reads on from it (chunks of %p bytes)', async (size) => {
		const json = JSON.stringify({ data: [{ b64_json: base64 }, { b64_json: 'QUJD' }, { b64_json: base64 }], usage: { total_tokens: 3 } });
		const events: string[] = [];
		const remaining: Array<number | undefined> = [];
		let busy: Promise<void> | undefined;
		const diversion: StringDiversion = {
			keys: new Set(['b64_json']),
			open: (_key, left) => {
				remaining.push(left);
				events.push('open');
				const received: string[] = [];
				return {
					write: (text) => received.push(text),
					end: () => {
						// Busy for a while after each string, as a store is.
						busy = sleep(5).then(() => {
							events.push('ready');
							busy = undefined;
						});
						return { diverted: received.join('') };
					},
				};
			},
			ready: () => busy,
		};
		const reader = new DivertingJsonReader(diversion, json.length);
		const bytes = Buffer.from(json);
		for (let at = 0; at < bytes.length; at += size) await reader.write(bytes.subarray(at, at + size));
		expect(events).toEqual(['open', 'ready', 'open', 'ready', 'open']);
		expect(remaining).toEqual([...json.matchAll(/"b64_json":"/g)].map((match) => json.length - (match.index + match[0].length)));
		expect(reader.restore(JSON.parse(reader.text()))).toEqual(expected(json));
	});

	it('diverts the keys it is given, and only those', () => {
		const json = JSON.stringify({ candidates: [{ content: { parts: [{ inlineData: { mimeType: 'image/png', data: base64 } }, { text: 'hi' }] } }] });
		expect(readInChunks(json, 5, ['data']).value).toEqual(expected(json, ['data']));
		expect(readInChunks(json, 5, ['other']).value).toEqual(JSON.parse(json));
	});
});

describe('images replies read as they arrive', () => {
	const api = useFakeCometApi();

	it('a reply sent in small pieces gives every image whole', async () => {
		const png = makePng(40, 30);
		const body = JSON.stringify({ created: 1, data: [{ b64_json: png.toString('base64') }, { b64_json: `data:image/png;base64,${png.toString('base64')}` }] });
		const chunks = body.match(/[^]{1,7}/g)!;
		api.override(() => ({ status: 200, headers: { 'content-type': 'application/json' }, chunks }));
		const { output, error } = await runGenerate(api);
		expect(error).toBeUndefined();
		expect(output).toHaveLength(2);
		for (const item of output) expect((await binaryBuffer(item.binary!.data)).equals(png)).toBe(true);
	});

	it('an image that is not valid base64 is an error that names it', async () => {
		api.override(() => ({ status: 200, json: { data: [{ b64_json: 'iVBORw0KGgo=' }, { b64_json: 'not base64!' }] } }));
		const { error } = await runGenerate(api);
		expect(error!.message).toBe('Image 2 in CometAPI’s reply is not valid base64');
	});
});
