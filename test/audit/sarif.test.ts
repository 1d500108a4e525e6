import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// The SARIF 2.1.0 schema (test/audit/sarif-2.1.0.schema.json, as OASIS publishes it) is JSON
// Schema draft 4.
const draft04 = createRequire(import.meta.url)('ajv-draft-04') as { default: typeof import('ajv').default };
const schema = JSON.parse(readFileSync('test/audit/sarif-2.1.0.schema.json', 'utf8'));
const validate = new draft04.default({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(schema);

/** A git repository holding the audit fixtures under docs/game-days/. */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sarif-'));
  cpSync('fixtures/audit', join(dir, 'docs', 'game-days'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=sre@example.test', '-c', 'user.name=SRE', 'add', '.');
  git('-c', 'user.email=sre@example.test', '-c', 'user.name=SRE', 'commit', '-qm', 'game days');
  return dir;
}

const sarif = (args: string[], cwd: string) => JSON.parse(runCli(['audit', ...args, '--format', 'sarif'], { cwd }).stdout) as Log;
const places = (log: Log) => log.runs[0]!.results!.map((r) => `${r.locations![0]!.physicalLocation!.artifactLocation!.uri}:${r.locations![0]!.physicalLocation!.region!.startLine} ${r.ruleId}`);
const prints = (log: Log) => log.runs[0]!.results!.map((r) => r.partialFingerprints!['runbookFinding/v1']);

describe('SARIF from runbook audit', () => {
  it('validates against the SARIF 2.1.0 schema, which rejects what is not SARIF', () => {
    const log = sarif(['fixtures/audit'], process.cwd());
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    expect(validate({ ...log, runs: [{ results: [] }] })).toBe(false);
    // One result per finding, as the JSON form lists them.
    const json = JSON.parse(runCli(['audit', 'fixtures/audit', '--format', 'json']).stdout) as unknown[];
    expect(json.length).toBeGreaterThan(30);
    expect(log.runs[0]!.results!.length).toBe(json.length);
  });

  it('gives the same URIs, relative to the repository root, from the root and from a subfolder', () => {
    const dir = repository();
    const fromRoot = sarif(['docs/game-days'], dir);
    const fromSub = sarif(['.'], join(dir, 'docs'));
    const fromDeeper = sarif(['gates.md', 'times.md'], join(dir, 'docs', 'game-days'));
    expect(places(fromRoot).length).toBeGreaterThan(30);
    expect(places(fromSub)).toEqual(places(fromRoot));
    expect(places(fromRoot)).toEqual(expect.arrayContaining(places(fromDeeper)));
    expect(places(fromRoot).every((p) => p.startsWith('docs/game-days/'))).toBe(true);
    const run = fromSub.runs[0]!;
    expect(run.results![0]!.locations![0]!.physicalLocation!.artifactLocation!.uriBaseId).toBe('%SRCROOT%');
    expect(run.originalUriBaseIds!['%SRCROOT%']!.uri).toBe(`file://${execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8' }).trim()}/`);
    // GitHub annotations are placed from the root too.
    expect(runCli(['audit', 'gates.md', '--format', 'github'], { cwd: join(dir, 'docs', 'game-days') }).stdout).toMatch(/^::error file=docs\/game-days\/gates\.md,line=6,/);
  });

  it('asks git for the repository root only in the formats that write paths from it', () => {
    const dir = repository();
    // A `git` first on the PATH that notes each call, then hands it to the real one.
    const bin = mkdtempSync(join(tmpdir(), 'runbook-git-'));
    const log = join(bin, 'calls.log');
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const calls = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    for (const format of ['text', 'json']) {
      expect(runCli(['audit', 'gates.md', '--format', format], { cwd: join(dir, 'docs', 'game-days'), env }).code).toBe(1);
    }
    expect(calls()).toBe('');
    for (const format of ['github', 'sarif']) {
      writeFileSync(log, '');
      const { code, stdout } = runCli(['audit', 'gates.md', '--format', format], { cwd: join(dir, 'docs', 'game-days'), env });
      expect(code).toBe(1);
      expect(stdout).toContain('docs/game-days/gates.md');
      expect(calls()).toBe('rev-parse --show-toplevel\n');
    }
  });

  it('describes every rule: a help link into the docs and its default level', () => {
    const rules = sarif(['fixtures/audit/clean.md'], process.cwd()).runs[0]!.tool.driver.rules!;
    const doc = readFileSync('docs/audit.md', 'utf8');
    expect(rules.map((r) => r.id)).toContain('unticked-task');
    for (const rule of rules) {
      expect(rule.helpUri).toBe(`https://github.com/runbook-cli/runbook/blob/main/docs/audit.md#${rule.id}`);
      expect(doc, `docs/audit.md has a section for ${rule.id}`).toContain(`\n### ${rule.id}\n`);
      expect(['error', 'warning']).toContain(rule.defaultConfiguration!.level);
      expect(rule.shortDescription!.text.length).toBeGreaterThan(10);
    }
  });

  it('links check findings to their row of docs/check.md', () => {
    const rules = JSON.parse(runCli(['check', 'fixtures/audit/clean.md', '--format', 'sarif']).stdout).runs[0].tool.driver.rules as Array<{ id: string; helpUri: string }>;
    const doc = readFileSync('docs/check.md', 'utf8');
    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) {
      expect(rule.helpUri).toBe(`https://github.com/runbook-cli/runbook/blob/main/docs/check.md#${rule.id}`);
      expect(doc, `docs/check.md has an anchor for ${rule.id}`).toContain(`<a id="${rule.id}"></a>`);
    }
  });

  it('keeps fingerprints across runs and across an unrelated edit above the finding', () => {
    const dir = repository();
    const first = sarif(['docs/game-days/unfilled.md'], dir);
    expect(prints(sarif(['docs/game-days/unfilled.md'], dir))).toEqual(prints(first));
    expect(new Set(prints(first)).size).toBe(prints(first).length);
    const file = join(dir, 'docs', 'game-days', 'unfilled.md');
    const text = readFileSync(file, 'utf8');
    const heading = text.indexOf('\n#');
    writeFileSync(file, `${text.slice(0, heading + 1)}An unrelated paragraph,\n\nand another one.\n\n${text.slice(heading + 1)}`);
    const edited = sarif(['docs/game-days/unfilled.md'], dir);
    // The findings moved down four lines, and kept their fingerprints.
    const lines = (log: Log) => log.runs[0]!.results!.map((r) => r.locations![0]!.physicalLocation!.region!.startLine!);
    expect(lines(edited).filter((l, i) => l === lines(first)[i]! + 4).length).toBeGreaterThan(0);
    expect(prints(edited)).toEqual(prints(first));
  });

  it('percent-encodes file URIs (RFC 3986), so names with spaces or accents still resolve', () => {
    const dir = repository();
    const odd = join(dir, 'docs', 'game days', 'café drill #1.md');
    cpSync('fixtures/audit/unfilled.md', odd, { recursive: true });
    const log = sarif(['docs'], dir);
    const uris = new Set(log.runs[0]!.results!.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri!));
    expect(uris).toContain('docs/game%20days/caf%C3%A9%20drill%20%231.md');
    for (const uri of uris) {
      expect(uri).toMatch(/^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+$/);
      // Resolved against the root as code scanning does, each names the file on disk.
      expect(decodeURIComponent(new URL(uri, `file://${dir}/`).pathname)).toBe(join(dir, decodeURIComponent(uri)));
    }
  });
});
