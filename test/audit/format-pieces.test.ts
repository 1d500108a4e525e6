import { describe, expect, it } from 'vitest';
import { formatFindings } from '../../src/audit/format/index.js';
import { RULES } from '../../src/audit/rules/index.js';
import type { Finding } from '../../src/audit/types.js';

/** `count` findings over a few files, with quotes, newlines, a character outside the BMP and a line kept for SARIF. */
function findings(count: number): Finding[] {
  return Array.from({ length: count }, (_, i) => ({
    file: `team/session-${Math.floor(i / 97)}.md`,
    line: i + 1,
    column: (i % 7) + 1,
    severity: i % 5 ? ('error' as const) : ('warning' as const),
    ruleId: i % 2 ? 'unticked-task' : 'unfilled-cell',
    message: `task "restart 🚀 node ${i}" is\nnot ticked \\ 100%`,
    snippet: `- [ ] restart ${i}`,
  }));
}

const place = { root: '/repo', cwd: '/repo', docPage: 'audit.md' };
const whole = (format: string, list: Finding[]) => [...formatFindings(format, list, RULES, 3, '1.0.0', place)].join('');

describe('output written a piece at a time', () => {
  it('is, pieced together, the JSON of the whole list (no line kept for SARIF), at any length', () => {
    for (const count of [0, 1, 511, 512, 513, 1500]) {
      const list = findings(count);
      const expected = `${JSON.stringify(list.map(({ file, line, column, severity, ruleId, message }) => ({ file, line, column, severity, ruleId, message })), null, 2)}\n`;
      expect(whole('json', list)).toBe(expected);
    }
  });

  it('is, pieced together, one line per finding in text and workflow commands, whatever the count', () => {
    for (const count of [0, 1, 512, 1500]) {
      const list = findings(count);
      const text = whole('text', list);
      const [, errors, warnings] = /(\d+) errors?, (\d+) warnings? in 3 files audited\n$/.exec(text) ?? [];
      expect([Number(errors), Number(warnings)]).toEqual([list.filter((f) => f.severity === 'error').length, list.filter((f) => f.severity === 'warning').length]);
      // A header per file, a blank line between files, one line per finding.
      const files = new Set(list.map((f) => f.file)).size;
      expect(text.split('\n').length - 1).toBe(count + files + Math.max(0, files - 1) + (count ? 1 : 0) + 1);
      const github = whole('github', list);
      expect(github.split('\n').length - 1).toBe(count);
      if (count) expect(github.split('\n')[count - 1]).toContain(`line=${count},`);
    }
  });

  it('hands the stream pieces of bounded size, never one string of the whole', () => {
    const pieces = [...formatFindings('json', findings(5000), RULES, 3, '1.0.0', place)];
    expect(pieces.length).toBeGreaterThan(9);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(200_000);
  });

  it('makes each piece only when the one before has been taken, so none waits in memory for the rest', () => {
    for (const format of ['json', 'text', 'github']) {
      const list = findings(3000);
      const pieces = formatFindings(format, list, RULES, 3, '1.0.0', place)[Symbol.iterator]();
      const first = pieces.next().value as string;
      expect(first).not.toContain('changed after the first piece');
      // Made before the first piece was taken, the last pieces would not hold this.
      list[2999]!.message = 'changed after the first piece';
      let rest = '';
      for (let piece = pieces.next(); !piece.done; piece = pieces.next()) rest += piece.value;
      expect(rest).toContain('changed after the first piece');
    }
  });
});
