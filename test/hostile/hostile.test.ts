import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMeasured } from '../support/measure.js';
import { HOSTILE } from './corpus.js';

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
