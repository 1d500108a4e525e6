import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=sre@example.test', '-c', 'user.name=SRE', ...args], { cwd, encoding: 'utf8' });

/** A session doc, as `runbook new` makes it: its front matter names its template. */
const SESSION = '---\nrunbook:\n  template: template.md\n---\n# Game day\n\n- [ ] Page the on-call\n';

describe('which files audit reads', () => {
  it('skips Markdown that is not text (empty, not UTF-8) when looking for session docs, and refuses it when named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-inputs-'));
    writeFileSync(join(dir, 'session.md'), SESSION);
    writeFileSync(join(dir, 'NOTES.md'), '');
    writeFileSync(join(dir, 'latin1.md'), Buffer.from('# Caf\xe9\n', 'latin1'));
    const all = runCli(['audit', '--format', 'json'], { cwd: dir });
    expect(all.code).toBe(1);
    const findings = JSON.parse(all.stdout) as Array<{ file: string; ruleId: string }>;
    expect(new Set(findings.map((f) => f.file))).toEqual(new Set(['session.md']));
    expect(findings.map((f) => f.ruleId)).toContain('unticked-task');
    expect(all.stderr).toContain('audited 1 session doc, skipped 2 other Markdown files');
    const named = runCli(['audit', 'latin1.md'], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('latin1.md: is not valid UTF-8');
  });

  it('audits a session doc whose front matter is broken, and says so, rather than passing it over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-inputs-'));
    writeFileSync(join(dir, 'broken.md'), '---\nrunbook:\n  template: template.md\n  created: [2026-11-23\n---\n# Game day\n\n- [x] Page the on-call\n');
    // A note whose front matter is just as broken but is no session record stays someone else's.
    writeFileSync(join(dir, 'notes.md'), '---\ntitle: [draft\n---\n# Notes\n');
    const all = runCli(['audit', '--format', 'json'], { cwd: dir });
    expect(all.code).toBe(1);
    const findings = JSON.parse(all.stdout) as Array<{ file: string; line: number; ruleId: string; message: string }>;
    expect(findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual(['broken.md:1 front-matter']);
    expect(findings[0]!.message).toMatch(/^front matter is not valid YAML: .*[^:]$/);
    expect(all.stderr).toContain('audited 1 session doc, skipped 1 other Markdown file');
  });

  it('says a file or folder it may not read is permission denied, not an internal error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-inputs-'));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'locked.md'), SESSION);
    chmodSync(join(dir, 'locked.md'), 0o000);
    mkdirSync(join(dir, 'closed'));
    writeFileSync(join(dir, 'closed', 'x.md'), SESSION);
    chmodSync(join(dir, 'closed'), 0o000);
    const cache = mkdtempSync(join(tmpdir(), 'runbook-inputs-cache-'));
    chmodSync(cache, 0o777);
    // Root reads anything: the command runs as nobody there.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'audit', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, RUNBOOK_CACHE_DIR: cache, HOME: cache }, ...asUser });
    for (const [args, path] of [[['locked.md'], 'locked.md'], [['closed'], 'closed']] as const) {
      const result = run(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`${path}: permission denied`);
      expect(result.stderr).not.toContain('internal error');
    }
  });

  it('matches a glob from its own folder: absolute and ../ patterns match, and no unrelated folder is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-inputs-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 's.md'), SESSION);
    mkdirSync(join(dir, 'private'));
    chmodSync(join(dir, 'private'), 0o000);
    const cache = mkdtempSync(join(tmpdir(), 'runbook-inputs-cache-'));
    chmodSync(cache, 0o777);
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [BIN, 'audit', '--format', 'json', ...args], { cwd, encoding: 'utf8', env: { ...process.env, RUNBOOK_CACHE_DIR: cache, HOME: cache }, ...asUser });
    for (const [cwd, pattern, file] of [[dir, 'docs/*.md', 'docs/s.md'], [dir, `${dir}/docs/*.md`, `${dir}/docs/s.md`], [join(dir, 'docs'), '../docs/*.md', 's.md'], [dir, 'docs/**/*.md', 'docs/s.md']] as const) {
      const result = run(cwd, pattern);
      expect(result.stderr, pattern).toBe('');
      expect(result.status, pattern).toBe(1);
      expect(new Set((JSON.parse(result.stdout) as Array<{ file: string }>).map((f) => f.file)), pattern).toEqual(new Set([file]));
    }
    expect(run(dir, 'nowhere/*.md').stderr).toBe('runbook: nowhere/*.md: the pattern matches no Markdown file\n');
  });

  it('--changed lists the changes from the repository root, whatever diff.relative says', () => {
    const repo = mkdtempSync(join(tmpdir(), 'runbook-inputs-git-'));
    git(repo, 'init', '-q', '-b', 'main');
    mkdirSync(join(repo, 'docs', 'a'), { recursive: true });
    mkdirSync(join(repo, 'docs', 'b'), { recursive: true });
    writeFileSync(join(repo, 'docs', 'b', 'keep.md'), '# Keep\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    git(repo, 'checkout', '-qb', 'drill');
    cpSync('fixtures/audit/unfilled.md', join(repo, 'docs', 'a', 's.md'));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'session');
    git(repo, 'config', 'diff.relative', 'true');
    for (const from of [join(repo, 'docs', 'b'), join(repo, 'docs', 'a'), repo]) {
      const result = runCli(['audit', '--changed', 'main', '--format', 'json'], { cwd: from });
      expect(result.code, result.stderr).toBe(1);
      const files = new Set((JSON.parse(result.stdout) as Array<{ file: string }>).map((f) => join(from, f.file)));
      expect([...files]).toEqual([join(repo, 'docs', 'a', 's.md')]);
    }
  });
});
