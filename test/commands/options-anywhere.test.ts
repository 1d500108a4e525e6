import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const env = { RUNBOOK_OPERATOR: 'ci-bot', GITHUB_ACTIONS: '' };

const DOC = [
  '# Deploy',
  '',
  '```bash { name=region }',
  'echo "region $REGION"',
  '```',
  '',
  '```bash { name=build }',
  'echo "build ${BUILD:-none}"',
  '```',
  '',
  '```bash { name=push confirm=production }',
  'echo pushed',
  '```',
  '',
].join('\n');

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-options-'));
  writeFileSync(join(dir, 'deploy.md'), DOC);
  return dir;
}

describe('options anywhere', () => {
  it.each([
    ['before the file', ['run', '--yes', '--confirm', 'production', '--set', 'BUILD=7', '--set', 'REGION=eu', 'deploy.md']],
    ['after the file', ['run', 'deploy.md', '--yes', '--set', 'REGION=eu', '--set', 'BUILD=7', '--confirm', 'production']],
    ['on both sides of it', ['run', '--set', 'REGION=eu', 'deploy.md', '--set', 'BUILD=7', '--confirm=production', '-y']],
  ])('reads repeatable options %s', (_, args) => {
    const dir = workspace();
    const { code, stdout, stderr } = runCli(args, { cwd: dir, env });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('region eu');
    expect(stdout).toContain('build 7');
    expect(stdout).toContain('3 passed, 0 failed');
  });

  it('takes --only and --confirm repeated or comma-separated, before the file', () => {
    const dir = workspace();
    const repeated = runCli(['run', '--only', 'build', '--only', 'push', '--confirm', 'production', '--yes', 'deploy.md'], { cwd: dir, env });
    expect(repeated.stderr).toBe('');
    expect(repeated.stdout).toContain('2 passed, 0 failed');
    const commas = runCli(['run', '--only', 'build,push', '--confirm', 'staging,production', '--yes', 'deploy.md'], { cwd: dir, env });
    expect(commas.stderr).toBe('');
    expect(commas.stdout).toContain('2 passed, 0 failed');
  });

  it.each([
    ['list', ['list', '--json', 'deploy.md'], 0],
    // $REGION has no default: a finding, which is check's exit 1.
    ['check', ['check', '--format', 'json', 'deploy.md'], 1],
    ['audit', ['audit', '--format', 'json', 'deploy.md'], 0],
    ['reset', ['reset', '--cells', 'deploy.md'], 0],
    ['tick', ['tick', '--line', '3', 'deploy.md'], 2],
  ])('%s takes its options before the file', (_, args, code) => {
    const dir = workspace();
    const result = runCli(args as string[], { cwd: dir, env });
    expect(result.stderr).not.toMatch(/missing required argument|unknown option|too many arguments/);
    expect(result.code).toBe(code);
  });

  it('hands play its file when --set comes first', () => {
    const dir = workspace();
    const { code, stderr } = runCli(['play', '--set', 'REGION=eu', 'deploy.md'], { cwd: dir, env });
    // Without a terminal play stops, but it has its file: the refusal names it.
    expect(stderr).not.toContain('missing required argument');
    expect(stderr).toContain('runbook run deploy.md --yes');
    expect(code).toBe(2);
  });
});

describe('duration flags', () => {
  it.each([
    ['run', ['run', 'deploy.md', '--yes', '--timeout', 'abc']],
    ['run, the flag first', ['run', '--timeout', 'abc', 'deploy.md', '--yes']],
    ['play', ['play', 'deploy.md', '--timeout', 'abc']],
  ])('%s: a --timeout that is not a duration is one clear line, exit 2', (_, args) => {
    const dir = workspace();
    const { code, stdout, stderr } = runCli(args, { cwd: dir, env });
    expect(stderr).toBe('runbook: --timeout: abc is not a duration (30s, 5m, 1h30m)\n');
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it('refuses a --timeout of zero, which would stop every block at once', () => {
    const dir = workspace();
    const { code, stderr } = runCli(['run', 'deploy.md', '--yes', '--timeout', '0'], { cwd: dir, env });
    expect(stderr).toBe('runbook: --timeout: 0 would stop every block at once: give a duration above zero (30s, 5m, 1h30m)\n');
    expect(code).toBe(2);
  });
});
