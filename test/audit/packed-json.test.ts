import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packJson, unpackJson } from '../../src/audit/packed-json.js';

/** What JSON keeps of a value: the value packed JSON must give back. */
const throughJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Whether every object in `value` is a plain object or array, as JSON.parse makes them. */
const plainThroughout = (value: unknown): boolean => {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(plainThroughout);
  return Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(plainThroughout);
};

describe('packed JSON', () => {
  it('gives back what JSON would, in ASCII alone, for any plain data', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '🚀', '\ud800', '"', '\\', '\n', '\u007f', '\u0000', ' ') });
    const key = fc.oneof(text, fc.constantFrom('text', 'span', 'start', 'end', '__proto__', 'constructor', '0', ''));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.constant(undefined), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 5 }),
      object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    }));
    fc.assert(
      fc.property(fc.oneof(fc.array(value), fc.dictionary(key, value)), (data) => {
        const packed = packJson(data);
        expect(packed).toMatch(/^[\x00-\x7e]*$/);
        const back = unpackJson(packed);
        expect(back).toEqual(throughJson(data));
        // Own keys, in the same order, none of them changing a prototype.
        expect(JSON.stringify(back)).toBe(JSON.stringify(data));
        expect(plainThroughout(back)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('writes each shape once, however many objects share it, with the objects inside it in place', () => {
    const cells = Array.from({ length: 100 }, (_, i) => ({ text: `c${i}`, span: { start: i, end: i + 1 } }));
    const packed = packJson(cells);
    expect(packed.split('"text"').length - 1).toBe(1);
    expect(packed.split('"start"').length - 1).toBe(1);
    expect(packed.length).toBeLessThan(JSON.stringify(cells).length * 0.5);
    // One flat array per cell: its shape, its text, its span's start and end.
    expect(packed).toContain('[0,"c7",7,8]');
  });

  it('keeps a key named __proto__ as a key, not as the prototype', () => {
    const back = unpackJson(packJson(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'))) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses text that is not packed JSON rather than give back something else', () => {
    const good = packJson({ a: [1, { b: 'é' }] });
    for (const bad of ['', '{}', '[1,2]', '[[], [0]]', '[[["a",0]], [0]]', '[[["a",0]], [0, 1, 2]]', '[[["a",0]], [7, 1]]', '[[[1,0]], [0, 1]]', '[[["a",5]], [0, 1]]', '[[["a"]], [0, 1]]', '[[["a",0]], {"0": 0}]', good.slice(0, -3)]) {
      expect(() => unpackJson(bad), bad).toThrow();
    }
    expect(unpackJson(good)).toEqual({ a: [1, { b: 'é' }] });
  });
});
