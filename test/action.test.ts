import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import type { Log } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAction, type StepResult } from './support/action.js';

const draft04 = createRequire(import.meta.url)('ajv-draft-04') as { default: typeof import('ajv').default };
const validSarif = new draft04.default({ strict: false, validateFormats: false, unicodeRegExp: false }).compile(JSON.parse(readFileSync('test/audit/sarif-2.1.0.schema.json', 'utf8')));

/** Errors GitHub's own parser (@actions/workflow-parser) finds in an action or a workflow. */
function actionErrors(file: string): string[] {
  return parseAction({ name: file, content: readFileSync(file, 'utf8') }, new NoOperationTraceWriter()).context.errors.getErrors().map((e) => e.message);
}
function workflowErrors(name: string, content: string): string[] {
  return parseWorkflow({ name, content }, new NoOperationTraceWriter()).context.errors.getErrors().map((e) => e.message);
}

describe('the GitHub Action and workflows', () => {
  it('are valid for GitHub: action.yml, the repository workflow, and the workflow in docs/ci.md', () => {
    expect(actionErrors('action.yml')).toEqual([]);
    expect(workflowErrors('runbooks.yml', readFileSync('.github/workflows/runbooks.yml', 'utf8'))).toEqual([]);
    const doc = readFileSync('docs/ci.md', 'utf8');
    const ready = /```yaml\n(# \.github\/workflows\/session-docs\.yml\n[\s\S]*?)```/.exec(doc)?.[1];
    expect(ready).toBeDefined();
    expect(workflowErrors('session-docs.yml', ready!)).toEqual([]);
    expect(ready).toContain('uses: runbook-cli/runbook@v0');
    // The parser does reject what GitHub would.
    expect(workflowErrors('bad.yml', 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - nonsense: 1\n').length).toBeGreaterThan(0);
  });

  it('runs only runbook on the project’s own runbooks', () => {
    const workflow = readFileSync('.github/workflows/runbooks.yml', 'utf8');
    expect(workflow).toMatch(/uses: \.\/\n/);
    expect(workflow).toMatch(/paths: docs\/runbooks\n/);
    expect(workflow).not.toMatch(/^\s+(- )?run:/m);
  });
});

describe('the GitHub Action on a pull request', () => {
  const work = mkdtempSync(join(tmpdir(), 'runbook-action-'));
  const repo = join(work, 'repo');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_BASE_REF: 'main',
    GITHUB_HEAD_REF: 'drill-notes',
    GITHUB_WORKSPACE: repo,
    RUNNER_TEMP: join(work, 'runner-temp'),
    GITHUB_PATH: join(work, 'path'),
    GITHUB_STEP_SUMMARY: join(work, 'summary.md'),
    RUNBOOK_CACHE_DIR: join(work, 'cache'),
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
  };
  let install: StepResult;

  beforeAll(() => {
    mkdirSync(env.RUNNER_TEMP!);
    writeFileSync(env.GITHUB_PATH!, '');
    // The action as a workflow gets it: a checkout of this repository (without node_modules).
    const action = join(work, 'action');
    execFileSync('git', ['clone', '-q', '--no-hardlinks', process.cwd(), action]);
    // The pull request: main holds a template and a finished session; the branch adds a session
    // with gaps, edits the finished one and leaves a file outside `paths` alone.
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=sre@example.test', '-c', 'user.name=SRE', ...args], { cwd: repo, encoding: 'utf8' });
    mkdirSync(repo);
    git('init', '-q', '-b', 'main');
    cpSync('fixtures/audit/clean.md', join(repo, 'docs', 'game-days', 'done.md'));
    cpSync('fixtures/audit/clean.md', join(repo, 'notes', 'other.md'));
    git('add', '.');
    git('commit', '-qm', 'game days');
    git('remote', 'add', 'origin', repo);
    git('fetch', '-q', 'origin');
    git('checkout', '-qb', 'drill-notes');
    cpSync('fixtures/audit/unfilled.md', join(repo, 'docs', 'game-days', 'new-session.md'));
    cpSync('fixtures/audit/pending.md', join(repo, 'notes', 'other.md'));
    writeFileSync(join(repo, 'docs', 'game-days', 'done.md'), `${readFileSync(join(repo, 'docs', 'game-days', 'done.md'), 'utf8')}\nFollow-up: PENDING\n`);
    git('add', '.');
    git('commit', '-qm', 'drill notes');
    install = runAction(action, {}, env, repo, (name) => name === 'install runbook')[0]!;
  }, 600_000);

  const afterInstall = (name: string) => name !== 'install runbook';
  const steps = (inputs: Record<string, string>) => runAction(join(work, 'action'), inputs, env, repo, afterInstall);
  const ran = (results: StepResult[], name: string) => results.find((s) => s.name === name) as Extract<StepResult, { code: number }>;

  it('installs the package it packs from its own source', () => {
    expect(install).toMatchObject({ code: 0 });
    expect(readFileSync(env.GITHUB_PATH!, 'utf8')).toBe(`${join(env.RUNNER_TEMP!, 'runbook-cli', 'bin')}\n`);
  });

  it('annotates the changed session docs within paths, fails on errors, and writes the job summary', () => {
    writeFileSync(env.GITHUB_STEP_SUMMARY!, '');
    const results = steps({ paths: 'docs' });
    const audit = ran(results, 'audit');
    expect(audit.code).toBe(1);
    const annotations = audit.stdout.split('\n').filter(Boolean);
    expect(annotations.length).toBeGreaterThan(2);
    expect(annotations.every((a) => /^::(error|warning) file=docs\/game-days\/(new-session|done)\.md,line=\d+,col=\d+,title=[a-z-]+::/.test(a)), annotations.join('\n')).toBe(true);
    expect(annotations.some((a) => a.includes('file=docs/game-days/done.md'))).toBe(true);
    // Not asked for: no SARIF, no check, nothing to upload.
    expect(results.filter((s) => 'skipped' in s).map((s) => s.name).sort()).toEqual(['check', 'code-scanning results', 'upload code-scanning results']);
    const summary = readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8');
    expect(summary).toMatch(/^### runbook audit\n\n\d+ errors?, \d+ warnings? in 2 files audited\n\n\| File \| Errors \| Warnings \| Findings \|\n\|---\|---:\|---:\|---\|\n/);
    expect(summary).toMatch(/^\| `docs\/game-days\/new-session\.md` \| \d+ \| \d+ \| ❌ line \d+: /m);
    expect(summary).not.toContain('other.md');
  });

  it('hands globs in paths to runbook as written (bash, without globstar, matches ** one folder deep)', () => {
    const audit = ran(steps({ paths: '**/*.md' }), 'audit');
    expect(audit.code).toBe(1);
    expect(audit.stdout).toContain('file=docs/game-days/new-session.md');
  });

  it('writes SARIF for code scanning and hands it to the upload action; fail-on never passes', () => {
    const results = steps({ paths: 'docs notes', sarif: 'true', 'fail-on': 'never', check: 'true' });
    expect(ran(results, 'audit').code).toBe(0);
    const upload = results.find((s) => s.name === 'upload code-scanning results') as Extract<StepResult, { uses: string }>;
    expect(upload.uses).toBe('github/codeql-action/upload-sarif@v3');
    const log = JSON.parse(readFileSync(upload.with.sarif_file!, 'utf8')) as Log;
    expect(validSarif(log)).toBe(true);
    const uris = new Set(log.runs[0]!.results!.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri));
    expect([...uris].sort()).toEqual(['docs/game-days/done.md', 'docs/game-days/new-session.md', 'notes/other.md']);
    expect(ran(results, 'check').code).toBe(0);
  });

  it('audits every file in paths outside a pull request, and refuses a bad fail-on with exit 2', () => {
    const push = { ...env, GITHUB_EVENT_NAME: 'push', GITHUB_BASE_REF: '' };
    const results = runAction(join(work, 'action'), { paths: 'notes', 'fail-on': 'warning' }, push, repo, afterInstall);
    expect(ran(results, 'audit').stdout).toMatch(/^::(error|warning) file=notes\/other\.md,/);
    const bad = steps({ 'fail-on': 'sometimes' });
    expect(ran(bad, 'audit').code).toBe(2);
    expect(ran(bad, 'audit').stderr).toContain('--fail-on sometimes: use one of error, warning, never');
  });
});
