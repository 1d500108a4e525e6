import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { runCli } from '../support/cli.js';

describe('run --report and --junit', () => {
  it('never write over the runbook, its lock or the session files beside it: refused before anything runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-outputs-'));
    const doc = '# R\n\n```bash\necho ran >> ran.txt\n```\n';
    writeFileSync(join(dir, 'doc.md'), doc);
    expect(runCli(['run', 'doc.md', '--yes'], { cwd: dir }).code).toBe(0);
    const journal = readFileSync(join(dir, '.runbook', 'doc.md.journal.jsonl'));
    const filled = readFileSync(join(dir, 'doc.md'));
    for (const [flag, path, what] of [
      ['--report', 'doc.md', 'the runbook itself'],
      ['--junit', './doc.md', 'the runbook itself'],
      ['--report', 'doc.md.lock', "the runbook's lock"],
      ['--junit', '.runbook/doc.md.journal.jsonl', "one of the session's own files (.runbook/)"],
      ['--report', '.runbook/doc.md.state', "one of the session's own files (.runbook/)"],
    ]) {
      const result = runCli(['run', 'doc.md', '--yes', flag!, path!], { cwd: dir });
      expect([result.code, result.stderr], `${flag} ${path}`).toEqual([2, `runbook: ${flag} ${path}: that is ${what}; choose another path; nothing was run\n`]);
    }
    expect(readFileSync(join(dir, 'ran.txt'), 'utf8')).toBe('ran\n');
    expect(readFileSync(join(dir, 'doc.md')).equals(filled)).toBe(true);
    expect(readFileSync(join(dir, '.runbook', 'doc.md.journal.jsonl')).equals(journal)).toBe(true);
    expect(existsSync(join(dir, 'doc.md.lock'))).toBe(false);
  });
});

describe('a time limit longer than a timer can wait', () => {
  it('is no limit: the block runs to its end instead of being stopped at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-outputs-'));
    writeFileSync(join(dir, 'big.md'), '# Long\n\n```bash { timeout=600h }\necho hi; sleep 0.3; echo bye\n```\n');
    const result = runCli(['run', 'big.md', '--yes', '--no-timeline'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('bye');
    expect(parseRunbook(readFileSync(join(dir, 'big.md'), 'utf8')).blocks[0]!.result?.outcome).toBe('passed');
    expect(runCli(['run', 'big.md', '--yes', '--no-timeline', '--timeout', '99999999h'], { cwd: dir }).code).toBe(0);
  });
});
