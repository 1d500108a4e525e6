import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LastLines } from '../../src/session/reason.js';

/** What the last line should be, read from the whole output at once. */
function expected(whole: string): string | null {
  const lines = whole.split(/\r\n|\r|\n/);
  const partial = lines.pop()!;
  if (partial.trim()) return partial.slice(-4096).trim() || null;
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim()) return lines[i]!.slice(0, 4096).trim();
  return null;
}

describe('the last line of a stream', () => {
  it('is the same however the output is cut into chunks', () => {
    const piece = fc.constantFrom('a', ' ', 'x y', '\n', '\r', '\r\n', '\n\n', '  \n', 'err: 7');
    fc.assert(
      fc.property(fc.array(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), { maxLength: 8 }), (chunks) => {
        const last = new LastLines();
        for (const chunk of chunks) last.push('stdout', chunk);
        expect(last.reason()).toBe(expected(chunks.join('')));
      }),
      { numRuns: 2000 },
    );
  });

  it('prefers stderr, and looks only at the end of a long output', () => {
    const last = new LastLines();
    const many = `${'line\n'.repeat(200_000)}final words\n${'\n'.repeat(50)}`;
    last.push('stdout', many);
    expect(last.reason()).toBe('final words');
    last.push('stderr', 'partial without newline');
    expect(last.reason()).toBe('partial without newline');
  });
});
