import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { alive } from '../support/process.js';

describe('a session whose tool is killed outright', () => {
  it('does not keep its shell waiting for ever on the control channel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-killed-'));
    // The block notes its shell, then SIGKILLs runbook itself (the shell's parent): nothing of the
    // tool is left to read what the shell says when the block ends.
    writeFileSync(join(dir, 'doc.md'), '# Killed\n\n```bash\necho $$ > shell\nkill -9 $PPID\n```\n');
    const result = runCli(['run', 'doc.md', '--yes'], { cwd: dir });
    expect(result.code).not.toBe(0);
    const shell = Number(readFileSync(join(dir, 'shell'), 'utf8'));
    for (let i = 0; i < 50 && alive(shell); i++) await new Promise((r) => setTimeout(r, 100));
    const stuck = alive(shell);
    if (stuck) process.kill(shell, 'SIGKILL');
    expect(stuck).toBe(false);
  }, 15_000);

  it('leaves a mark by which the next session sees what is still running, and starts nothing beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-killed-'));
    // Block 2 starts a long job, notes its pid, then kills the tool (its shell's parent) outright.
    writeFileSync(join(dir, 'doc.md'), '# Killed\n\n```bash\necho one >> ran.log\n```\n\n```bash\necho two >> ran.log\nif [ ! -f once ]; then\n  touch once\n  sleep 300 &\n  echo $! > job\n  kill -9 $PPID\n  sleep 300\nfi\n```\n');
    expect(runCli(['run', 'doc.md', '--yes'], { cwd: dir }).code).not.toBe(0);
    const job = Number(readFileSync(join(dir, 'job'), 'utf8'));
    try {
      expect(alive(job)).toBe(true);
      for (const args of [['run', 'doc.md', '--yes', '--resume'], ['run', 'doc.md', '--yes']]) {
        const refused = runCli(args, { cwd: dir });
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/^runbook: doc\.md: the last session \(\w+\) never ended, and what it started is still running: pid \d+ \(/m);
        expect(refused.stderr).toContain(`pid ${job} (sleep 300)`);
      }
      expect(readFileSync(join(dir, 'ran.log'), 'utf8')).toBe('one\ntwo\n');
    } finally {
      for (const line of runCli(['run', 'doc.md', '--yes'], { cwd: dir }).stderr.matchAll(/pid (\d+)/g)) process.kill(Number(line[1]), 'SIGKILL');
    }
    for (let i = 0; i < 50 && alive(job); i++) await new Promise((r) => setTimeout(r, 100));
    // Once they are gone, the session resumes at the block it was in.
    const resumed = runCli(['run', 'doc.md', '--yes', '--resume'], { cwd: dir });
    expect(resumed.stderr).not.toContain('still running');
    expect(resumed.code).toBe(0);
    expect(readFileSync(join(dir, 'ran.log'), 'utf8')).toBe('one\ntwo\ntwo\n');
  }, 30_000);
});
