import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packValue } from '../../src/audit/packed-model.js';
import { unpackValue } from '../../src/audit/unpack-model.js';

/** What a packed value must give back: the value with its undefined keys left out, as JSON leaves them. */
const withoutUndefined = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : withoutUndefined(item)));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([key, v]) => (v === undefined ? [] : [[key, withoutUndefined(v)]])));
};

/** Whether every object in `value` is a plain object or array, as JSON.parse makes them. */
const plainThroughout = (value: unknown): boolean => {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(plainThroughout);
  return Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(plainThroughout);
};

/** Where the numbers of packed bytes start: after three lines, at a multiple of eight. */
const numbersAt = (bytes: Buffer): number => {
  const end = bytes.indexOf(10, bytes.indexOf(10, bytes.indexOf(10) + 1) + 1) + 1;
  return end + ((8 - (end % 8)) % 8);
};

describe('a packed value', () => {
  it('gives back any plain data exactly, its text in ASCII alone', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '🚀', '\ud800', '"', '\\', '\n', '\u007f', '\u0000', ' ') });
    const key = fc.oneof(text, fc.constantFrom('text', 'span', 'start', 'end', '__proto__', 'constructor', '0', ''));
    const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 2 ** 53, Date.now()));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, text, number, fc.boolean(), fc.constant(null), fc.constant(undefined), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 5 }),
      object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    }));
    fc.assert(
      fc.property(fc.oneof(value, fc.array(value), fc.dictionary(key, value)).filter((data) => data !== undefined), fc.constantFrom('', 'k\n', 'key of odd length\n'), (data, prefix) => {
        const bytes = packValue(data, prefix);
        expect(bytes.toString('latin1', 0, prefix.length)).toBe(prefix);
        // Its shapes, strings and counts, the lines before the numbers, are ASCII.
        expect(bytes.subarray(0, numbersAt(bytes)).every((b) => b < 0x80)).toBe(true);
        const back = unpackValue(bytes, prefix.length);
        expect(back).toEqual(withoutUndefined(data));
        // Own keys in the same order, -0 kept, none of them changing a prototype.
        expect(JSON.stringify(back)).toBe(JSON.stringify(data));
        expect(plainThroughout(back)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('writes each shape once, however many objects share it, with the objects inside it in place', () => {
    const cells = Array.from({ length: 100 }, (_, i) => ({ text: `c${i}`, checkbox: null, span: { start: i, end: i + 1 } }));
    const bytes = packValue(cells);
    const text = bytes.toString('latin1', 0, bytes.length);
    expect(text.split('"text"').length - 1).toBe(1);
    expect(text.split('"start"').length - 1).toBe(1);
    // Per cell four integers: its tag and shape, its text's index, its span's start and end (null
    // is in the shape); no float but the byte-order mark.
    expect(bytes.length - numbersAt(bytes)).toBe(8 + 4 * (2 + 100 * 5));
    expect(bytes.length).toBeLessThan(JSON.stringify(cells).length);
  });

  it('keeps a key named __proto__ as a key, not as the prototype', () => {
    const back = unpackValue(packValue(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'))) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses bytes that are not a packed value rather than give back something else', () => {
    const good = packValue({ a: [1, { b: 'é' }], c: 'd' });
    const flipped = Buffer.from(good);
    flipped.writeDoubleBE(1.5, numbersAt(good));
    const otherShape = Buffer.from(good);
    otherShape.writeInt32LE(7, numbersAt(good) + 8 + 4);
    const bad = [Buffer.alloc(0), Buffer.from('[]\n[]\n1 0\n'), good.subarray(0, good.length - 4), Buffer.concat([good, Buffer.alloc(4)]), flipped, otherShape, good.subarray(0, numbersAt(good))];
    for (const bytes of bad) expect(() => unpackValue(bytes)).toThrow();
    expect(unpackValue(good)).toEqual({ a: [1, { b: 'é' }], c: 'd' });
  });

  it('refuses what is not plain data', () => {
    expect(() => packValue({ run: () => 1 })).toThrow(/not plain data/);
    expect(() => packValue([1n])).toThrow(/not plain data/);
    for (const data of [new Date(0), new Set([1]), new Uint8Array(2), new Map()]) expect(() => packValue({ data: [data] }), String(data)).toThrow(/not plain data/);
    expect(() => packValue({ data: new Date(0) })).toThrow(/not plain data/);
  });
});
