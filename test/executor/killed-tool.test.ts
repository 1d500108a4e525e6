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
});
