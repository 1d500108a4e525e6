import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { runCli } from '../support/cli.js';

const env = { RUNBOOK_OPERATOR: 'ci' };

// Block 2 fails until the file `ok` exists; a resume must start there with block 1's variable,
// folder and secret-derived state restored, the secret itself asked for again.
const doc = [
  '# Resume',
  '',
  '```bash { name=one }',
  'export REGION=eu-west-1',
  'export DB_PASSWORD="$(cat secret.txt)"',
  'mkdir -p work && cd work',
  '```',
  '',
  '```bash { name=two }',
  'test -f ../ok || { echo "not ready yet" >&2; exit 4; }',
  'echo "region=$REGION dir=$(basename "$PWD") password=${DB_PASSWORD:-unset}" > ../two.txt',
  '```',
  '',
].join('\n');

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-resume-'));
  writeFileSync(join(dir, 'r.md'), doc);
  writeFileSync(join(dir, 'secret.txt'), 'hunter2-secret');
  return dir;
}

describe('resuming a session that did not finish', () => {
  it('says how to resume when run starts over, and resumes with --resume after the last passed step', () => {
    const dir = workspace();
    const first = runCli(['run', 'r.md', '--yes'], { cwd: dir, env });
    expect(first.code).toBe(1);
    expect(parseRunbook(readFileSync(join(dir, 'r.md'), 'utf8')).blocks[1]!.result).toMatchObject({ outcome: 'failed', reason: 'not ready yet' });
    writeFileSync(join(dir, 'ok'), '');

    // The secret was never saved, so a resume cannot go on without it.
    const refused = runCli(['run', 'r.md', '--yes', '--resume'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('DB_PASSWORD is secret, so the last session did not save it; give it again with --set DB_PASSWORD=VALUE');
    for (const file of readdirSync(join(dir, '.runbook'))) expect(readFileSync(join(dir, '.runbook', file), 'utf8')).not.toContain('hunter2-secret');

    const resumed = runCli(['run', 'r.md', '--yes', '--resume', '--set', 'DB_PASSWORD=given-again'], { cwd: dir, env });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resuming \w+: 1 step\(s\) already done, 1 to go/);
    expect(readFileSync(join(dir, 'two.txt'), 'utf8')).toBe('region=eu-west-1 dir=work password=given-again\n');
  });

  it('restores the functions and the ERR trap handler earlier blocks set, leaving out any function that holds a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-resume-'));
    writeFileSync(join(dir, 'secret.txt'), 'pw-5c1e7a9d');
    const text = [
      '# Resume',
      '',
      '```bash',
      'drain() {',
      '  echo "draining $1"',
      '}',
      'export DB_PASSWORD="$(cat secret.txt)"',
      // A function written out with the secret's value in it.
      'eval "db_login() { echo using $DB_PASSWORD; }"',
      "trap 'echo \"handler ran\" > ../handler.txt' ERR",
      'mkdir -p work && cd work',
      '```',
      '',
      '```bash',
      'test -f ../ok',
      'drain node-7 > ../drained.txt',
      'type db_login > /dev/null 2>&1 && echo defined > ../login.txt',
      'false',
      '```',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'r.md'), text);
    expect(runCli(['run', 'r.md', '--yes'], { cwd: dir, env }).code).toBe(1);
    expect(readFileSync(join(dir, 'handler.txt'), 'utf8')).toBe('handler ran\n');
    rmSync(join(dir, 'handler.txt'));
    for (const file of readdirSync(join(dir, '.runbook'))) expect(readFileSync(join(dir, '.runbook', file), 'utf8')).not.toContain('pw-5c1e7a9d');
    writeFileSync(join(dir, 'ok'), '');
    const resumed = runCli(['run', 'r.md', '--yes', '--resume', '--set', 'DB_PASSWORD=given-again'], { cwd: dir, env });
    expect(resumed.code).toBe(1);
    expect(readFileSync(join(dir, 'drained.txt'), 'utf8')).toBe('draining node-7\n');
    expect(readFileSync(join(dir, 'handler.txt'), 'utf8')).toBe('handler ran\n');
    expect(existsSync(join(dir, 'login.txt'))).toBe(false);
    expect(parseRunbook(readFileSync(join(dir, 'r.md'), 'utf8')).blocks.map((b) => b.result?.outcome)).toEqual(['passed', 'failed']);
  });

  it('notes on stderr that the last session did not finish when run starts over without --resume', () => {
    const dir = workspace();
    expect(runCli(['run', 'r.md', '--yes'], { cwd: dir, env }).code).toBe(1);
    const again = runCli(['run', 'r.md', '--yes'], { cwd: dir, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/runbook: note: the last session \(\w+, failed, 1 step\(s\) done\) did not finish; this run starts over — `runbook run r\.md --resume` continues it instead/);
    expect(again.stdout).toContain('▶ one');
  });

  it('finds the last step that passed by its code, not its number, after a block was added above it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-resume-'));
    const first = '# Fix and resume\n\n- [ ] create the database (not idempotent)\n  ```bash\n  echo "ran: create" >> ran.log\n  ```\n\n- [ ] migrate\n  ```bash\n  echo "ran: migrate" >> ran.log; test -f fixed\n  ```\n';
    writeFileSync(join(dir, 'f.md'), first);
    expect(runCli(['run', 'f.md', '--yes'], { cwd: dir, env }).code).toBe(1);
    // The operator fixes what failed and adds a check above everything, then resumes.
    const text = readFileSync(join(dir, 'f.md'), 'utf8');
    writeFileSync(join(dir, 'f.md'), text.replace('# Fix and resume\n', '# Fix and resume\n\n- [ ] check credentials\n  ```bash\n  echo "ran: check" >> ran.log\n  ```\n'));
    writeFileSync(join(dir, 'fixed'), '');
    const resumed = runCli(['run', 'f.md', '--yes', '--resume'], { cwd: dir, env });
    expect(resumed.code).toBe(0);
    // Nothing that passed ran again: after the first run's two lines, only the migration.
    expect(readFileSync(join(dir, 'ran.log'), 'utf8')).toBe('ran: create\nran: migrate\nran: migrate\n');
  });

  it('refuses to resume when the last step that passed is gone from the document', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'plain.md'), '# P\n\n```bash\necho one\n```\n\n```bash\nexit 3\n```\n');
    expect(runCli(['run', 'plain.md', '--yes'], { cwd: dir, env }).code).toBe(1);
    writeFileSync(join(dir, 'plain.md'), '# P\n\n```bash\necho uno\n```\n\n```bash\nexit 3\n```\n');
    const refused = runCli(['run', 'plain.md', '--yes', '--resume'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('runbook: plain.md changed since the journal was written: the block at line 3, the last step that passed, is no longer in it as it ran; run without --resume\n');
  });

  it('runs again a step that failed before the last one that passed (--keep-going), and then goes on', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'kg.md'), '# KG\n\n```bash { name=first }\necho "ran: first" >> ran.log; test -e fixed\n```\n\n```bash { name=second }\necho "ran: second" >> ran.log\n```\n');
    expect(runCli(['run', 'kg.md', '--yes', '--keep-going'], { cwd: dir, env }).code).toBe(1);
    writeFileSync(join(dir, 'fixed'), '');
    const resumed = runCli(['run', 'kg.md', '--yes', '--resume'], { cwd: dir, env });
    expect([resumed.code, resumed.stdout]).toEqual([0, expect.stringContaining('1 passed, 0 failed')]);
    expect(readFileSync(join(dir, 'ran.log'), 'utf8')).toBe('ran: first\nran: second\nran: first\n');
    expect(parseRunbook(readFileSync(join(dir, 'kg.md'), 'utf8')).blocks.map((b) => b.result?.outcome)).toEqual(['passed', 'passed']);
  });

  it('does not take a rollback that ran after a failure as progress: the failed step and the rest of the main path run on resume', () => {
    const dir = workspace();
    const text = '# Deploy\n\n## Steps\n\n```bash { name=deploy }\necho "ran: deploy" >> ran.log; test -e fixed\n```\n\n```bash { name=verify }\necho "ran: verify" >> ran.log\n```\n\n## Rollback\n\n```bash { name=undo }\necho "ran: undo" >> ran.log\n```\n';
    writeFileSync(join(dir, 'd.md'), text);
    expect(runCli(['run', 'd.md', '--yes', '--on-failure', 'rollback'], { cwd: dir, env }).code).toBe(1);
    writeFileSync(join(dir, 'fixed'), '');
    const resumed = runCli(['run', 'd.md', '--yes', '--resume'], { cwd: dir, env });
    expect([resumed.code, resumed.stdout]).toEqual([0, expect.stringContaining('2 passed, 0 failed')]);
    expect(readFileSync(join(dir, 'ran.log'), 'utf8')).toBe('ran: deploy\nran: undo\nran: deploy\nran: verify\n');
  });

  it('says nothing about starting over when the lock refuses the run: the one line is why', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'l.md'), '# L\n\n```bash\ntouch started; sleep 3\n```\n');
    const first = spawn(process.execPath, [resolve('bin/runbook.js'), 'run', 'l.md', '--yes'], { cwd: dir, stdio: 'ignore' });
    const ended = new Promise((done) => first.on('exit', done));
    for (let i = 0; i < 200 && !existsSync(join(dir, 'started')); i++) await new Promise((r) => setTimeout(r, 50));
    const second = runCli(['run', 'l.md', '--yes'], { cwd: dir, env });
    await ended;
    expect(second.code).toBe(2);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(/^runbook: l\.md is being edited by `runbook run`/);
  });
});
