import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellAnchor, type Anchor } from '../../src/document/anchors.js';
import { Document } from '../../src/document/document.js';
import fc from 'fast-check';
import { applyEdits, applyEditsToBytes, OverlappingEditsError } from '../../src/document/edits.js';
import { cellText } from '../../src/document/ops.js';

describe('applyEditsToBytes', () => {
  it('splices exactly the bytes that encoding the edited text gives, for any text and edits', () => {
    const char = fc.constantFrom('a', ' ', '\n', '\r\n', '\t', '|', 'é', '—', '✅', '☐', '😀', '👩‍💻', '\ufeff', '数');
    const text = fc.array(char, { maxLength: 60 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.array(char, { maxLength: 4 })), { maxLength: 5 }), (source, raw) => {
        // Non-overlapping edits at arbitrary offsets, some of them inside surrogate pairs.
        const edits = [];
        let at = 0;
        for (const [gap, length, chars] of raw) {
          const start = Math.min(source.length, at + (gap % 7));
          const end = Math.min(source.length, start + length);
          edits.push({ start, end, text: chars.join('') });
          at = end;
        }
        const spliced = applyEditsToBytes(source, Buffer.from(source, 'utf8'), edits);
        const whole = Buffer.from(applyEdits(source, edits), 'utf8');
        if (spliced === null) return; // an edit cut a surrogate pair: the caller encodes it whole
        expect(spliced.equals(whole)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('declines when an edit would cut a surrogate pair, or the bytes are not the text', () => {
    expect(applyEditsToBytes('a😀b', Buffer.from('a😀b'), [{ start: 2, end: 2, text: 'x' }])).toBeNull();
    expect(applyEditsToBytes('abc', Buffer.from('abcd'), [{ start: 1, end: 2, text: 'x' }])).toBeNull();
    expect(applyEditsToBytes('a😀b', Buffer.from('a😀b'), [{ start: 3, end: 4, text: '✅' }])!.toString()).toBe('a😀✅');
  });
});

describe('applyEdits', () => {
  it('applies edits given in any order in one pass', () => {
    expect(applyEdits('abcdef', [{ start: 4, end: 5, text: 'E' }, { start: 0, end: 1, text: 'A' }, { start: 2, end: 2, text: '+' }])).toBe('Ab+cdEf');
  });

  it('keeps two insertions at one offset in the order given', () => {
    expect(applyEdits('ab', [{ start: 1, end: 1, text: '1' }, { start: 1, end: 1, text: '2' }])).toBe('a12b');
  });

  it('refuses overlapping edits and edits outside the text, changing nothing', () => {
    expect(() => applyEdits('abcdef', [{ start: 1, end: 3, text: 'x' }, { start: 2, end: 4, text: 'y' }])).toThrow(OverlappingEditsError);
    expect(() => applyEdits('abc', [{ start: 2, end: 9, text: 'x' }])).toThrow(OverlappingEditsError);
  });

  it('keeps a BOM and CRLF outside the edited span', () => {
    expect(applyEdits('\uFEFFa\r\nb', [{ start: 4, end: 5, text: 'B' }])).toBe('\uFEFFa\r\nB');
  });
});

describe('cell text', () => {
  it('escapes pipes and refuses line breaks', () => {
    expect(cellText(' a|b \\| c ')).toBe('a\\|b \\| c');
    expect(() => cellText('two\nlines')).toThrow(/one line/);
  });
});

describe('several cells of one short row in one write', () => {
  it('adds the missing cells once, each value in its own column, with or without the closing pipe', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-short-'));
    for (const [input, expected] of [
      ['| ID | A | B | C | D |\n|---|---|---|---|---|\n| x | 1 |\n', '| ID | A | B | C | D |\n|---|---|---|---|---|\n| x | 1 | b |  | d |\n'],
      ['ID | A | B | C | D\n--|--|--|--|--\nx | 1\n', 'ID | A | B | C | D\n--|--|--|--|--\nx | 1 | b |  | d\n'],
    ] as const) {
      const path = join(dir, 'short.md');
      writeFileSync(path, input);
      const doc = Document.open(path);
      const anchor = (column: number) => cellAnchor(doc.model, 0, 0, column) as Anchor & { kind: 'cell' };
      const reports = doc.apply([
        { kind: 'fill', anchor: anchor(4), value: 'd' },
        { kind: 'fill', anchor: anchor(2), value: 'b' },
      ]);
      expect(reports.map((r) => r.changed)).toEqual([true, true]);
      expect(readFileSync(path, 'utf8')).toBe(expected);
      expect(doc.model.tables[0]!.rows[0]!.cells.map((c) => c.text)).toEqual(['x', '1', 'b', '', 'd']);
    }
  });
});
