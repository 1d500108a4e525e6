import { describe, expect, it } from 'vitest';
import { parseRunbook, updateRunbook } from '../../src/parser/index.js';

/** The model after replacing `[start, end)` of `text` with `insert`, updated and parsed afresh. */
function both(text: string, start: number, end: number, insert: string) {
  const next = text.slice(0, start) + insert + text.slice(end);
  const updated = updateRunbook(parseRunbook(text), next, [{ start, oldEnd: end, text: insert, removed: text.slice(start, end) }]);
  return { updated, fresh: parseRunbook(next) };
}

describe('updateRunbook', () => {
  it('reports a problem of a piece that runs to the end of the document once, not once more shifted', () => {
    const text = '````md\n```bash\necho nested\n```\n````\n```bash';
    const at = text.indexOf('````\n```bash') + 4;
    const { updated, fresh } = both(text, at, at, '\n*runbook:* ✅ passed · exit 0 · 0.01 s · 2026-11-23T10:05:00Z · x\n');
    expect(updated.problems).toEqual(fresh.problems);
    expect(updated.problems).toHaveLength(1);
  });

  it('matches a fresh parse when a box inside a setext heading is ticked', () => {
    const text = '- [ ] step\n  Setext\n  ======\n  - [ ] alpha\n';
    const at = text.indexOf('[ ]');
    const { updated, fresh } = both(text, at, at + 3, '[x]');
    expect(updated).toEqual(fresh);
  });
});
