import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMeasured } from '../support/measure.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-hostile-'));
const COMMANDS = [['list'], ['audit'], ['check'], ['run', '--dry-run']];

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

describe('hostile documents at the size cap (stress tier)', () => {
  it('refuses a 20 MB nested document by its size, under 500 MB', () => {
    const file = write('big.md', `# T\n\n${`${'>'.repeat(100)} x\n`.repeat(205_000)}`);
    for (const args of COMMANDS) {
      const run = runMeasured([...args, file], dir);
      expect(run.stdout + run.stderr).not.toMatch(/internal error/);
      expect(run.stderr, args[0]).toMatch(/20\.\d MB is larger than the 6 MB a runbook may be/);
      expect(run.code).toBe(2);
      if (run.rssMb !== null) expect(run.rssMb).toBeLessThan(500);
    }
  });

  it('refuses nesting at the end of a document just under the cap, having read it once', () => {
    const flat = '## Step\n\n- [ ] do it\n\n```bash\necho hi\n```\n\n| a | b |\n|---|---|\n| 1 | TBD |\n\n';
    const body = flat.repeat(Math.floor((5.9 * 1024 * 1024) / flat.length));
    const file = write('late.md', `# T\n\n${body}${'- '.repeat(3000)}x\n`);
    for (const args of COMMANDS) {
      const run = runMeasured([...args, file], dir);
      const said = run.stdout + run.stderr;
      expect(said).not.toMatch(/internal error/);
      expect(said).toMatch(/late\.md:\d+:201.*nest more than 100 deep/);
      if (run.rssMb !== null) expect(run.rssMb).toBeLessThan(500);
    }
  });

  it('reads a document nested to the limits, under 500 MB', () => {
    const file = write('near.md', `# T\n\n- [ ] step\n\n${`${'>'.repeat(100)} x\n`.repeat(990)}`);
    for (const args of COMMANDS) {
      const run = runMeasured([...args, file], dir);
      const said = run.stdout + run.stderr;
      expect(said).not.toMatch(/internal error|nesting-limit/);
      if (run.rssMb !== null) expect(run.rssMb).toBeLessThan(500);
    }
  });
});
