import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdits, applyEditsToBytes, OverlappingEditsError, type Edit } from '../../src/document/edits.js';
import { Pieces } from '../../src/document/pieces.js';

const char = fc.constantFrom('a', 'b', ' ', '\n', '\r\n', '\r', '|', 'é', '✅', '😀', '数', '\ufeff');
const text = (maxLength: number) => fc.array(char, { maxLength }).map((chars) => chars.join(''));

/** Non-overlapping edits at offsets anywhere in a text of `length` (inside surrogate pairs too). */
function editsFor(length: number, raw: Array<[number, number, string]>): Edit[] {
  const edits: Edit[] = [];
  let at = 0;
  for (const [gap, size, inserted] of raw) {
    const start = Math.min(length, at + gap);
    const end = Math.min(length, start + size);
    edits.push({ start, end, text: inserted });
    at = end;
  }
  // Given out of order: the pieces sort them as `applyEdits` does.
  return edits.reverse();
}

/**
 * Every way of reading `pieces` agrees with reading `expected`; the pieces are read before they
 * are joined (once joined, reads go to the joined string).
 */
function expectReadsLike(pieces: Pieces, expected: string): void {
  expect(pieces.length).toBe(expected.length);
  for (let i = -1; i <= expected.length; i++) expect(pieces.charCodeAt(i)).toEqual(expected.charCodeAt(i));
  for (let a = 0; a <= expected.length; a += 3) {
    for (let b = a; b <= expected.length + 1; b += 5) expect(pieces.slice(a, b)).toBe(expected.slice(a, b));
  }
  expect(pieces.slice(-3)).toBe(expected.slice(-3));
  expect(pieces.slice()).toBe(expected);
  expect(pieces.toString()).toBe(expected);
}

describe('Pieces', () => {
  it('reads and edits as the string it holds, over a chain of versions, whatever the piece size', () => {
    const step = fc.array(fc.tuple(fc.nat(9), fc.nat(4), text(5)), { maxLength: 4 });
    fc.assert(
      fc.property(text(80), fc.integer({ min: 1, max: 6 }), fc.array(step, { minLength: 1, maxLength: 6 }), (start, size, steps) => {
        let expected = start;
        let pieces = Pieces.of(start, size);
        for (const raw of steps) {
          const edits = editsFor(expected.length, raw);
          const before = pieces;
          const beforeText = expected;
          expected = applyEdits(expected, edits);
          pieces = pieces.edit(edits);
          // A new version leaves the one it came from as it was.
          expect(before.toString()).toBe(beforeText);
          // Reading a version before joining it, and its bytes spliced from the last version's.
          expectReadsLike(pieces, expected);
          const bytes = applyEditsToBytes(before, Buffer.from(beforeText, 'utf8'), edits);
          if (bytes) expect(bytes.equals(Buffer.from(expected, 'utf8'))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('counts UTF-8 bytes of any range that does not split a pair, without joining', () => {
    fc.assert(
      fc.property(text(60), fc.integer({ min: 1, max: 5 }), fc.nat(), fc.nat(), (source, size, x, y) => {
        const pieces = Pieces.of(source, size).edit([{ start: 0, end: 0, text: '' }, { start: source.length, end: source.length, text: '😀' }]);
        const whole = `${source}😀`;
        const pairEdge = (at: number) => at > 0 && at < whole.length && /[\ud800-\udbff]/.test(whole[at - 1]!) && /[\udc00-\udfff]/.test(whole[at]!);
        const a = Math.min(x % (whole.length + 1), y % (whole.length + 1));
        const b = Math.max(x % (whole.length + 1), y % (whole.length + 1));
        if (pairEdge(a) || pairEdge(b)) return;
        expect(pieces.byteLength(a, b)).toBe(Buffer.byteLength(whole.slice(a, b), 'utf8'));
      }),
      { numRuns: 500 },
    );
  });

  it('never cuts a piece between the halves of a surrogate pair', () => {
    const pieces = Pieces.of('😀'.repeat(50), 3).edit([{ start: 10, end: 10, text: '😀😀😀😀😀😀😀' }]);
    // Each piece's bytes add up to the text's only when no pair is split.
    expect(pieces.byteLength(0, pieces.length)).toBe(Buffer.byteLength('😀'.repeat(57), 'utf8'));
  });

  it('refuses overlapping edits and edits outside the text, as applyEdits does', () => {
    const pieces = Pieces.of('abcdef', 2);
    expect(() => pieces.edit([{ start: 1, end: 3, text: 'x' }, { start: 2, end: 4, text: 'y' }])).toThrow(OverlappingEditsError);
    expect(() => pieces.edit([{ start: 5, end: 9, text: 'x' }])).toThrow(OverlappingEditsError);
    expect(pieces.edit([{ start: 2, end: 2, text: 'x' }, { start: 2, end: 2, text: 'y' }]).toString()).toBe(applyEdits('abcdef', [{ start: 2, end: 2, text: 'x' }, { start: 2, end: 2, text: 'y' }]));
  });
});
