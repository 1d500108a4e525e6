import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const RUNBOOK = '# Restart\n\n- [ ] Restart it\n\n  ```bash\n  export STAMP=done\n  echo restarted\n  ```\n';

function repo() {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-records-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  return { dir, git };
}

describe('the .runbook folder in a git repository', () => {
  it('ignores the output log and the shell state on first use, and keeps the journal for the commit', () => {
    const { dir, git } = repo();
    writeFileSync(join(dir, 'restart.md'), RUNBOOK);
    expect(runCli(['run', 'restart.md', '--yes'], { cwd: dir }).code).toBe(0);
    const shown = git('status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).map((l) => l.slice(3)).sort();
    expect(shown).toEqual(['.runbook/.gitignore', '.runbook/restart.md.journal.jsonl', 'restart.md']);
    // Both are there, only ignored.
    expect(git('status', '--porcelain', '--ignored', '--untracked-files=all')).toMatch(/^!! \.runbook\/restart\.md\.log$/m);
    expect(git('check-ignore', '.runbook/restart.md.state').trim()).toBe('.runbook/restart.md.state');
  });

  it('leaves a .gitignore the team wrote there as it is', () => {
    const { dir, git } = repo();
    writeFileSync(join(dir, 'restart.md'), RUNBOOK);
    mkdirSync(join(dir, '.runbook'));
    writeFileSync(join(dir, '.runbook', '.gitignore'), '*.state\n');
    expect(runCli(['run', 'restart.md', '--yes'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, '.runbook', '.gitignore'), 'utf8')).toBe('*.state\n');
    expect(git('status', '--porcelain', '--untracked-files=all')).toContain('.runbook/restart.md.log');
  });
});
