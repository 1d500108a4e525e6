import { describe, expect, it } from 'vitest';
import { applyEdits, OverlappingEditsError } from '../../src/document/edits.js';
import { cellText } from '../../src/document/ops.js';

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
