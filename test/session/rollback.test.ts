import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { runCli } from '../support/cli.js';

const env = { RUNBOOK_OPERATOR: 'ci' };

/** A deploy with a rollback section and a rollback block outside it; `ship` fails when `fail` exists. */
const doc = [
  '# Deploy',
  '',
  '```bash { name=prepare }',
  'echo prepared > prepared.txt',
  '```',
  '',
  '```bash { name=ship }',
  'if [ -f fail ]; then echo "ship: registry refused the image" >&2; exit 5; fi',
  'echo shipped > shipped.txt',
  '```',
  '',
  '```bash { name=undo-flag rollback }',
  'echo flag > undo-flag.txt',
  '```',
  '',
  '## Rollback',
  '',
  '```bash { name=undo }',
  'echo undone > undone.txt',
  '```',
  '',
].join('\n');

function workspace(failing: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-rollback-'));
  writeFileSync(join(dir, 'd.md'), doc);
  if (failing) writeFileSync(join(dir, 'fail'), '');
  return dir;
}

const rolledBack = (dir: string) => ['undo-flag.txt', 'undone.txt'].map((f) => existsSync(join(dir, f)));

describe('the rollback path', () => {
  it('is not set by the title of the document: a plan titled "upgrade and rollback" runs its main steps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-rollback-'));
    writeFileSync(join(dir, 't.md'), '# Postgres upgrade and rollback plan\n\n## Upgrade\n\n```bash\necho upgraded > upgraded.txt\n```\n\n## Roll back\n\n```bash\necho restored > restored.txt\n```\n');
    const { code, stdout } = runCli(['run', 't.md', '--yes'], { cwd: dir, env });
    expect(code).toBe(0);
    expect(stdout).toContain('1 passed, 0 failed');
    expect(['upgraded.txt', 'restored.txt'].map((f) => existsSync(join(dir, f)))).toEqual([true, false]);
  });

  it('alone is refused by run (exit 2, nothing run), naming the heading that made it so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-rollback-'));
    const text = '# Release 42\n\n## Rolling back release 42\n\n```bash\necho restored > restored.txt\n```\n';
    writeFileSync(join(dir, 'r.md'), text);
    const { code, stderr } = runCli(['run', 'r.md', '--yes'], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stderr).toContain('every step is on the rollback path');
    expect(stderr).toContain('"Rolling back release 42"');
    expect(existsSync(join(dir, 'restored.txt'))).toBe(false);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toBe(text);
    // Named, it runs.
    expect(runCli(['run', 'r.md', '--yes', '--only', '1'], { cwd: dir, env }).code).toBe(0);
    expect(existsSync(join(dir, 'restored.txt'))).toBe(true);
  });

  it('never runs after success', () => {
    const dir = workspace(false);
    const { code, stdout } = runCli(['run', 'd.md', '--yes', '--on-failure', 'rollback'], { cwd: dir, env });
    expect(code).toBe(0);
    expect(rolledBack(dir)).toEqual([false, false]);
    expect(stdout).toContain('2 passed, 0 failed');
    expect(parseRunbook(readFileSync(join(dir, 'd.md'), 'utf8')).blocks.map((b) => b.result?.outcome ?? null)).toEqual(['passed', 'passed', null, null]);
  });

  it('is not run after a failure by default: the run stops', () => {
    const dir = workspace(true);
    const { code } = runCli(['run', 'd.md', '--yes'], { cwd: dir, env });
    expect(code).toBe(1);
    expect(rolledBack(dir)).toEqual([false, false]);
  });

  it('runs after a failure with --on-failure rollback, in document order, and the run still fails', () => {
    const dir = workspace(true);
    const { code, stdout } = runCli(['run', 'd.md', '--yes', '--on-failure', 'rollback'], { cwd: dir, env });
    expect(code).toBe(1);
    expect(rolledBack(dir)).toEqual([true, true]);
    // Lines as the document stood when the run began, as the plan named them.
    expect(stdout).toMatch(/▶ ship — line 7 \(2\/2\)\n[\s\S]*▶ rollback undo-flag — line 12 \(1\/2\)\n[\s\S]*▶ rollback undo — line 18 \(2\/2\)\n/);
    const model = parseRunbook(readFileSync(join(dir, 'd.md'), 'utf8'));
    expect(model.blocks.map((b) => b.result?.outcome ?? null)).toEqual(['passed', 'failed', 'passed', 'passed']);
    const types = readFileSync(join(dir, '.runbook', 'd.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).type);
    expect(types).toContain('rollback');
  });

  it.each([[['--keep-going']], [['--on-failure', 'continue']]])('goes on with the main path, without rolling back, under %j', (flags) => {
    const dir = workspace(true);
    const { code, stdout } = runCli(['run', 'd.md', '--yes', ...flags], { cwd: dir, env });
    expect(code).toBe(1);
    expect(rolledBack(dir)).toEqual([false, false]);
    expect(stdout).toContain('1 passed, 1 failed');
  });

  it('is listed apart by --dry-run and marked by list', () => {
    const dir = workspace(false);
    const dry = runCli(['run', 'd.md', '--dry-run'], { cwd: dir, env });
    expect(dry.code).toBe(0);
    const [main, rollback] = dry.stdout.split('\nrollback (runs only after a failure, with --on-failure rollback):\n');
    expect(main).toContain('prepare');
    expect(main).not.toContain('undo');
    expect(rollback).toMatch(/undo-flag[\s\S]*undo/);
    const list = runCli(['list', 'd.md'], { cwd: dir, env });
    expect(list.stdout).toMatch(/L18 `bash` undo — not run — rollback: runs only after a failure/);
    expect(JSON.parse(runCli(['list', 'd.md', '--json'], { cwd: dir, env }).stdout).blocks.map((b: { rollback: boolean }) => b.rollback)).toEqual([false, false, true, true]);
  });

  it('refuses a policy it does not know, before anything runs', () => {
    const dir = workspace(false);
    const { code, stderr } = runCli(['run', 'd.md', '--yes', '--on-failure', 'maybe'], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stderr).toBe('runbook: --on-failure maybe: say stop, rollback or continue; nothing was run\n');
    expect(existsSync(join(dir, 'prepared.txt'))).toBe(false);
  });
});
