import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMeasured } from '../support/measure.js';
import { HOSTILE, HOSTILE_CODE_SPANS, HOSTILE_INLINE } from './corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-hostile-'));
const COMMANDS: Array<[args: string[], code: number]> = [
  [['list'], 0],
  [['audit'], 1],
  [['check'], 1],
  [['run', '--dry-run'], 2],
];

describe('hostile nesting through the built CLI', () => {
  HOSTILE.forEach(([name, build], n) => {
    it(`ends ${name} with a nesting-limit problem, no internal error, under 500 MB`, () => {
      const file = `hostile-${n}.md`;
      writeFileSync(join(dir, file), build());
      for (const [args, code] of COMMANDS) {
        const run = runMeasured([...args, file], dir);
        const said = run.stdout + run.stderr;
        expect(said, args[0]).not.toMatch(/internal error/);
        expect(said, args[0]).toMatch(new RegExp(`${file}:\\d+:\\d+.*(nest more than 100 deep|continued on too many lines)`));
        expect(run.code, `${args.join(' ')}: ${said}`).toBe(code);
        if (run.rssMb !== null) expect(run.rssMb, args[0]).toBeLessThan(500);
      }
    });
  });
});

const INLINE_COMMANDS: Array<[args: string[], code: number]> = [
  [['list'], 0],
  [['audit'], 1],
  [['check'], 0],
  [['run', '--dry-run'], 0],
];

describe('hostile inline markup through the built CLI', () => {
  HOSTILE_INLINE.forEach(([name, build], n) => {
    it(`reads ${name} with an inline-limit warning at its line, its task found, under 500 MB`, () => {
      const file = `inline-${n}.md`;
      const text = build();
      writeFileSync(join(dir, file), text);
      const line = text.split('\n').findIndex((l) => l.length > 5_000) + 1 || '\\d+';
      for (const [args, code] of INLINE_COMMANDS) {
        const run = runMeasured([...args, file], dir);
        const said = run.stdout + run.stderr;
        expect(said, args[0]).not.toMatch(/internal error/);
        expect(said, args[0]).toMatch(new RegExp(`${file}:${line}:\\d+.*more than 1000 inline markers`));
        // audit fails on the unticked task, not on the warning.
        expect(run.code, `${args.join(' ')}: ${said}`).toBe(code);
        if (args[0] === 'audit') expect(said).toMatch(/unticked-task/);
        if (run.rssMb !== null) expect(run.rssMb, args[0]).toBeLessThan(500);
      }
    });
  });
});

describe('code spans that never close, through the built CLI', () => {
  HOSTILE_CODE_SPANS.forEach(([name, build], n) => {
    it(`reads ${name} as GitHub does, with no problem, under 500 MB`, () => {
      const file = `code-${n}.md`;
      writeFileSync(join(dir, file), build());
      for (const [args, code] of INLINE_COMMANDS) {
        const run = runMeasured([...args, file], dir);
        const said = run.stdout + run.stderr;
        expect(said, args[0]).not.toMatch(/internal error|inline-limit/);
        expect(run.code, `${args.join(' ')}: ${said}`).toBe(code);
        if (run.rssMb !== null) expect(run.rssMb, args[0]).toBeLessThan(500);
      }
    });
  });
});
