import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const TEMPLATE_V1 = `# Game day: cache failover

## Pre-flight

- [ ] Announce in the team channel
- [ ] Backup of the session store taken

## Scenarios

| ID | Scenario | Outcome |
|----|----------|---------|
| A | Primary cache node stopped | |
| B | Replica lag injected | |
`;

// The second commit adds a task, a row and a section that older session docs never had.
const TEMPLATE_V2 = TEMPLATE_V1.replace('- [ ] Backup of the session store taken\n', '- [ ] Backup of the session store taken\n- [ ] Dashboards open on the big screen\n')
  .replace('| B | Replica lag injected | |\n', '| B | Replica lag injected | |\n| C | Network partition | |\n')
  .concat('\n## Sign-off\n\n- [ ] Owner signed the record\n');

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).trim();

/** A repository with the template at two commits and a session doc created from the first. */
function repository() {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-drift-'));
  git(dir, 'init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'templates'));
  mkdirSync(join(dir, 'sessions'));
  const template = join(dir, 'templates', 'game-day.md');
  writeFileSync(template, TEMPLATE_V1);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'template');
  const first = git(dir, 'rev-parse', 'HEAD');
  const created = runCli(['new', 'templates/game-day.md', 'sessions/2026-11-20.md'], { cwd: dir });
  expect(created.code, created.stderr).toBe(0);
  const session = join(dir, 'sessions', '2026-11-20.md');
  // The session was played through: every box ticked, every outcome written.
  writeFileSync(session, readFileSync(session, 'utf8').replace(/- \[ \]/g, '- [x]').replace(/\| \|\n/g, '| recovered |\n'));
  writeFileSync(template, TEMPLATE_V2);
  git(dir, 'commit', '-q', '-am', 'template: more checks');
  return { dir, session, template, first };
}

type F = { line: number; column: number; ruleId: string; message: string };
/**
 * A repository holding `template` as TEMPLATE.md and session.md made from it by `runbook new`, then
 * edited by `fill`; the template-drift findings of `runbook audit` on it.
 */
function driftAfter(template: string, fill: (session: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-drift-'));
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'TEMPLATE.md'), template);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'template');
  expect(runCli(['new', 'TEMPLATE.md', 'session.md'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'ci' } }).code).toBe(0);
  const filled = fill(readFileSync(join(dir, 'session.md'), 'utf8'));
  writeFileSync(join(dir, 'session.md'), filled);
  const { code, stdout } = runCli(['audit', 'session.md', '--format', 'json'], { cwd: dir });
  const drift = (JSON.parse(stdout) as Array<{ ruleId: string; message: string; line: number }>).filter((f) => f.ruleId === 'template-drift');
  return { code, drift, lines: filled.split('\n') };
}

const drift = (dir: string, file: string) => {
  const { stdout } = runCli(['audit', file, '--format', 'json'], { cwd: dir });
  return (JSON.parse(stdout) as F[]).filter((f) => f.ruleId === 'template-drift').map((f) => `${f.line}:${f.column} ${f.message}`);
};

describe('template drift against the pinned commit', () => {
  it('does not report what the template gained after the session doc was created', () => {
    const { dir, session, first } = repository();
    expect(readFileSync(session, 'utf8')).toContain(`commit: ${first}`);
    expect(drift(dir, 'sessions/2026-11-20.md')).toEqual([]);
    expect(runCli(['audit', 'sessions/2026-11-20.md'], { cwd: dir }).code).toBe(0);
  });

  it('finds what the session doc lost from the pinned template, at its line', () => {
    const { dir, session } = repository();
    const text = readFileSync(session, 'utf8');
    writeFileSync(session, text.replace('- [x] Backup of the session store taken\n', '').replace('| B | Replica lag injected | recovered |\n', ''));
    const lines = readFileSync(session, 'utf8').split('\n');
    const announce = lines.indexOf('- [x] Announce in the team channel') + 1;
    const rowA = lines.findIndex((l) => l.startsWith('| A |')) + 1;
    expect(drift(dir, 'sessions/2026-11-20.md')).toEqual([
      `${announce}:1 checklist item "Backup of the session store taken" of the template (line 6) is missing`,
      `${rowA}:1 row "B" of the template's table (line 13) is missing`,
    ]);
  });

  it('reads the pinned version even when the template is gone from the working tree', () => {
    const { dir, template } = repository();
    rmSync(template);
    expect(drift(dir, 'sessions/2026-11-20.md')).toEqual([]);
  });

  it('says the template changed since, without guessing, when the pinned commit is not in the repository', () => {
    const { dir, session } = repository();
    const text = readFileSync(session, 'utf8').replace(/commit: [0-9a-f]{40}/, `commit: ${'0123456789abcdef'.repeat(2)}01234567`);
    writeFileSync(session, text);
    const sha = text.split('\n').findIndex((l) => l.trimStart().startsWith('sha256:')) + 1;
    const found = drift(dir, 'sessions/2026-11-20.md');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${sha}:1 the template ../templates/game-day.md has changed since this session doc was created \\(sha256 [0-9a-f]{12}…, pinned [0-9a-f]{12}…\\) and its pinned commit 0123456789ab is not in this repository: drift is not checked$`));
  });

  it('compares with the template as it is when its SHA-256 is still the pinned one', () => {
    const { dir, session, template } = repository();
    // Back to the first version's bytes, and a commit nobody has: the hash still vouches for it.
    writeFileSync(template, TEMPLATE_V1);
    writeFileSync(session, readFileSync(session, 'utf8').replace(/commit: [0-9a-f]{40}/, 'commit: null').replace('- [x] Backup of the session store taken\n', ''));
    expect(drift(dir, 'sessions/2026-11-20.md')).toEqual([expect.stringMatching(/checklist item "Backup of the session store taken" of the template \(line 6\) is missing$/)]);
  });
});

describe('a template path from a pull request', () => {
  it('that names a FIFO, a device or a folder is a finding, never a hang, an unbounded read or a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-drift-'));
    execFileSync('mkfifo', [join(dir, 'pipe.md')]);
    mkdirSync(join(dir, 'folder.md'));
    for (const template of ['pipe.md', '/dev/zero', 'folder.md']) {
      writeFileSync(join(dir, 's.md'), `---\nrunbook:\n  template: ${template}\n---\n# Session\n\n- [x] done\n`);
      const { code, stdout, stderr } = runCli(['audit', 's.md', '--jobs', '1', '--no-cache'], { cwd: dir, timeoutMs: 20_000 });
      expect(stderr).toBe('');
      expect(code).toBe(1);
      expect(stdout).toContain(`the template ${template} named in front matter cannot be read`);
    }
  });
});

describe('template drift and the blanks a template leaves', () => {
  it('takes a filled blank (____, YYYY-MM-DD, an empty row) for the template text, and still finds what was removed', () => {
    const { code, drift } = driftAfter('# Game day — YYYY-MM-DD\n\n- [ ] Backup taken at ____\n- [ ] Owner: <name>\n- [ ] Announce start\n\n## Timeline\n\n| Time (UTC) | Event |\n|---|---|\n| | |\n| | |\n| HH:MM | Kick-off |\n', (session) =>
      session
        .replace('YYYY-MM-DD', '2026-11-20')
        .replace('- [ ] Backup taken at ____', '- [x] Backup taken at 14:02')
        .replace('- [ ] Owner: <name>', '- [x] Owner: Ada')
        .replace('| | |\n| | |\n| HH:MM | Kick-off |', '| 14:05 | Primary killed |\n| 14:07 | Failover done |\n| 14:00 | Kick-off |')
        .replace('- [ ] Announce start\n', ''),
    );
    expect(code).toBe(1);
    expect(drift.map((f) => f.message)).toEqual(['checklist item "Announce start" of the template (line 5) is missing']);
  });

  it('looks for an item in its own section: one repeated in another section does not stand for it', () => {
    // "Announce" is gone from Before (it still stands in After), and one of After's two lag checks is gone.
    const { code, drift, lines } = driftAfter('# Failover drill\n\n## Before\n\n- [ ] Announce in #ops\n- [ ] Freeze deploys\n\n## After\n\n- [ ] Announce in #ops\n- [ ] Check replica lag\n- [ ] Check replica lag\n', (session) =>
      session.replace('## Before\n\n- [ ] Announce in #ops\n', '## Before\n\n').replace('- [ ] Check replica lag\n- [ ] Check replica lag\n', '- [x] Check replica lag\n'),
    );
    expect(code).toBe(1);
    expect(drift.map((f) => f.message)).toEqual(['checklist item "Announce in #ops" of the template (line 5) is missing', 'checklist item "Check replica lag" of the template (line 12) is missing']);
    expect(lines[drift[0]!.line - 1]).toBe('## Before');
    expect(lines[drift[1]!.line - 1]).toBe('- [x] Check replica lag');
  });

  it('takes an item with a note written after it for the template item, and not an item that only starts with its words', () => {
    const { drift } = driftAfter('# Postmortem\n\n- [ ] Open a ticket\n- [ ] Page the owner\n- [ ] Backup taken at ____\n- [ ] Announce\n', (session) =>
      session
        .replace('- [ ] Open a ticket', '- [x] Open a ticket — INC-4411')
        .replace('- [ ] Page the owner', '- [x] Page the owner (Ada, 14:02)')
        .replace('- [ ] Backup taken at ____', '- [x] Backup taken at 14:02: s3://backups/db')
        .replace('- [ ] Announce', '- [x] Announcement sent'),
    );
    expect(drift.map((f) => f.message)).toEqual(['checklist item "Announce" of the template (line 6) is missing']);
  });
});
