import { asRecord } from '../../../../nodes/CometApi/helpers/record';

describe('asRecord', () => {
	it('gives an object’s fields, and undefined for anything else (arrays, null, text, numbers)', () => {
		const object = { a: 1 };
		expect(asRecord(object)).toBe(object);
		expect(asRecord({})).toEqual({});
		for (const value of [[1], null, undefined, 'text', 0, 1, true]) expect(asRecord(value)).toBeUndefined();
	});
});
