import { describe, expect, it } from 'vitest';
import { MarkerReader } from '../../src/executor/marker.js';

const TOKEN = 'rb0123456789abcdef7';

function reader() {
  const text: string[] = [];
  const marks: string[] = [];
  const r = new MarkerReader(
    (t) => text.push(t),
    (token, stream, status) => marks.push(`${token}:${stream}:${status}`),
  );
  return { r, text, marks };
}

describe('the end-marker reader', () => {
  it('splits the text at a marker and reports which stream it was written to, with the status', () => {
    const { r, text, marks } = reader();
    r.push(Buffer.from(`out\n\x1e${TOKEN}:o:3\x1elater`));
    expect(text.join('|')).toBe('out\n|later');
    expect(marks).toEqual([`${TOKEN}:o:3`]);
  });

  it('finds a marker cut anywhere by chunk boundaries', () => {
    const marker = `\x1e${TOKEN}:e:0\x1e`;
    for (let cut = 1; cut < marker.length; cut++) {
      const { r, text, marks } = reader();
      r.push(Buffer.from(`a${marker.slice(0, cut)}`));
      r.push(Buffer.from(`${marker.slice(cut)}b`));
      expect(text.join('')).toBe('ab');
      expect(marks).toEqual([`${TOKEN}:e:0`]);
    }
  });

  it('takes out every marker, of this block or another, so none reaches the output', () => {
    const { r, text, marks } = reader();
    r.push(Buffer.from(`x\x1e${TOKEN}:o:0\x1e\x1e${TOKEN}:e:0\x1ey\x1erbffffffffffffffff1:o:1\x1ez`));
    expect(text.join('')).toBe('xyz');
    expect(marks).toHaveLength(3);
  });

  it('keeps a separator character that starts no marker', () => {
    const { r, text } = reader();
    r.push(Buffer.from('a\x1eb\x1e'));
    r.push(Buffer.from('c'));
    r.flush();
    expect(text.join('')).toBe('a\x1eb\x1ec');
  });
});
