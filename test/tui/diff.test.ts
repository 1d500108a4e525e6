import { describe, expect, it } from 'vitest';
import { lineDiff } from '../../src/tui/diff.js';

const show = (before: string, after: string) => lineDiff(before, after).map((l) => `${l.op}${l.text}`);

describe('the diff of an edited block', () => {
  it('shows a changed line as one out and one in, keeping the rest', () => {
    expect(show('a\nb\nc', 'a\nB\nc')).toEqual([' a', '-b', '+B', ' c']);
  });

  it('shows added and removed lines where they are', () => {
    expect(show('a\nc', 'a\nb\nc\nd')).toEqual([' a', '+b', ' c', '+d']);
    expect(show('a\nb\nc', 'c')).toEqual(['-a', '-b', ' c']);
    expect(show('same', 'same')).toEqual([' same']);
  });
});
