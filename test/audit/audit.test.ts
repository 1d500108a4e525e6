import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

type F = { file: string; line: number; column: number; severity: string; ruleId: string; message: string };

function audit(args: string[], cwd?: string) {
  const result = runCli(['audit', ...args], cwd ? { cwd } : {});
  return { ...result, findings: args.includes('json') ? (JSON.parse(result.stdout) as F[]) : [] };
}

const where = (findings: F[]) => findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`);

describe('runbook audit rules', () => {
  it('passes a complete session doc: struck-through tasks, N/A, — and ❌ count as answered', () => {
    const { code, findings } = audit(['fixtures/audit/clean.md', '--format', 'json']);
    expect(findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('writes one line per finding in text, a wrapped task or CR LF line ends included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-text-'));
    writeFileSync(join(dir, 's.md'), '# S\r\n\r\n- [ ] Restart the API\r\n  and watch the error rate\r\n- [ ] Page the on-call\r\n');
    const { code, stdout } = audit(['s.md'], dir);
    expect(code).toBe(1);
    const lines = stdout.split('\n').filter((l) => l.startsWith('s.md:'));
    expect(lines).toEqual(['s.md:3:3  error  task "Restart the API and watch the error rate" is not ticked  unticked-task', 's.md:5:3  error  task "Page the on-call" is not ticked  unticked-task']);
    expect(stdout).not.toContain('\r');
  });

  it('prints the control characters a document holds as \\xNN, in audit and list, never as terminal escapes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-'));
    writeFileSync(join(dir, 'esc.md'), '# T\n\n- [ ] evil \x1b[2J\x1b]0;pwned\x07 task\n');
    const { code, stdout } = audit(['esc.md'], dir);
    expect(code).toBe(1);
    expect(stdout).toContain('task "evil \\x1b[2J\\x1b]0;pwned\\x07 task" is not ticked');
    const listed = runCli(['list', 'esc.md'], { cwd: dir }).stdout;
    expect(listed).toContain('evil \\x1b[2J');
    for (const out of [stdout, listed]) expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('reports unticked tasks and checkbox cells at their boxes', () => {
    const { code, findings } = audit(['fixtures/audit/unticked.md', '--format', 'json']);
    expect(code).toBe(1);
    expect(where(findings)).toEqual(['4:3 unticked-task', '8:10 unticked-cell', '10:9 unticked-cell']);
    expect(findings[1]!.message).toBe('"OK" of row "disk" is not ticked');
  });

  it('reports empty cells, placeholders and template hints, but not knob tables or N/A', () => {
    const { findings } = audit(['fixtures/audit/unfilled.md', '--format', 'json']);
    expect(where(findings)).toEqual(['9:14 unfilled-cell', '10:7 unfilled-cell', '10:13 unfilled-cell']);
    expect(findings[2]!.message).toBe('"Gap" of row "B" holds "<describe the gap>"');
  });

  it('reads an emphasized placeholder (**TBD**, _TODO_) as a placeholder and a cell of &nbsp; as empty, as they render', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-'));
    writeFileSync(join(dir, 'p.md'), '| Item | Value |\n|---|---|\n| a | **TBD** |\n| b | _TODO_ |\n| c | &nbsp; |\n| d | ***tbc*** |\n| e | **done** |\n| f | _12 s_ |\n');
    const { code, findings } = audit(['p.md', '--format', 'json'], dir);
    expect(code).toBe(1);
    expect(findings.map((f) => `${f.line} ${f.ruleId}`)).toEqual(['3 unfilled-cell', '4 unfilled-cell', '5 unfilled-cell', '6 unfilled-cell']);
  });

  it('leaves a knob table\'s name, default and description alone, and checks any other column of it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-'));
    writeFileSync(join(dir, 'k.md'), '# Drill\n\n| Setting | Default | Description | Value used |\n|---|---|---|---|\n| `REGION` | | where it runs | eu-west-1 |\n| `TIMEOUT` | `30s` | | |\n| `REPLICAS` | `3` | how many | TBD |\n');
    const { code, findings } = audit(['k.md', '--format', 'json'], dir);
    expect(code).toBe(1);
    expect(findings.filter((f) => f.ruleId === 'unfilled-cell').map((f) => `${f.line} ${f.message}`)).toEqual(['6 "Value used" of row "`TIMEOUT`" is empty', '7 "Value used" of row "`REPLICAS`" holds "TBD"']);
  });

  it('takes an autolink in a cell for an answer, as GitHub renders it a link, but still flags <a hint>', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-'));
    writeFileSync(join(dir, 'l.md'), '| Item | Link |\n|---|---|\n| Dashboard | <https://grafana.example.com/d/abc> |\n| Contact | <oncall@example.com> |\n| Ticket | <ticket URL> |\n| Runbook | <mailto:ops@example.com> |\n');
    const { findings } = audit(['l.md', '--format', 'json'], dir);
    expect(findings.map((f) => `${f.line} ${f.ruleId} ${f.message}`)).toEqual(['5 unfilled-cell "Link" of row "Ticket" holds "<ticket URL>"']);
    const html = execFileSync('cmark-gfm', ['-e', 'table', join(dir, 'l.md')], { encoding: 'utf8' });
    expect(html.match(/<a href=/g)).toHaveLength(3);
  });

  it('reports question marks standing for a value still unknown (??, ?mins, ? s, ?%), not a question in text', () => {
    const { findings } = audit(['fixtures/audit/unknown-values.md', '--format', 'json']);
    expect(findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`)).toEqual([
      '5:7 unfilled-cell "Measured" of row "A" holds "?mins"',
      '5:15 unfilled-cell "Downtime" of row "A" holds "??"',
      '6:7 unfilled-cell "Measured" of row "B" holds "? s"',
      '7:15 unfilled-cell "Downtime" of row "C" holds "?%"',
    ]);
  });

  it('reports a document nested too deep to be read as one finding where the limit is passed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-'));
    writeFileSync(join(dir, 'deep.md'), `# Session\n\n- [ ] step\n\n${'>'.repeat(500)} x\n`);
    const { code, findings } = audit(['deep.md', '--format', 'json'], dir);
    expect(code).toBe(1);
    expect(where(findings)).toEqual(['5:101 nesting-limit']);
  });

  it('reports template hints (blanks, formats, instructions, handles, states) once, and not text that only mentions them', () => {
    const { findings } = audit(['fixtures/audit/hints.md', '--format', 'json']);
    expect(findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message.replace(/^.* holds /, '')}`)).toEqual([
      '5:7 unfilled-cell "hh:mm"',
      '5:15 unfilled-cell "___"',
      '5:21 unfilled-cell "@name"',
      '5:29 unfilled-cell "xx s"',
      '6:7 unfilled-cell "YYYY-MM-DD HH:MM"',
      '6:26 unfilled-cell "(fill in)"',
      '6:38 unfilled-cell "pending"',
      '7:61 unfilled-cell "in progress"',
      '7:75 unfilled-cell "XX:XX"',
    ]);
  });

  it('reports pending markers outside code, comments and legends, not words that contain them', () => {
    const { findings } = audit(['fixtures/audit/pending.md', '--format', 'json']);
    // Not line 6 (a fenced block), 11 (code spans), 13 (an HTML comment), 15 (a legend of the
    // signs) or 26 (a table of the signs and their meaning); a table cell offering 🟢 🟡 🔴 is a
    // choice left open, a 🟡 in a status column is a status left open (32, and 38 however its other
    // column is headed), and a lone backtick opens no span.
    expect(where(findings)).toEqual([
      '1:11 pending-marker',
      '3:9 pending-marker',
      '9:7 pending-marker',
      '19:9 pending-marker',
      '19:17 pending-marker',
      '21:7 pending-marker',
      '21:37 pending-marker',
      '32:3 pending-marker',
      '38:3 pending-marker',
    ]);
  });

  it('leaves pending words in link and image destinations alone, but not in the text they show', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-'));
    writeFileSync(join(dir, 'm.md'), '# Notes\n\nSee [the doc](https://example.com/PENDING-jobs.md) and [WIP list](wip.md).\n\n![chart](img/WIP.png)\n\n[ref]: https://example.com/WIP "the WIP page"\n');
    const { findings } = audit(['m.md', '--format', 'json'], dir);
    expect(where(findings)).toEqual(['3:57 pending-marker']);
  });

  it('counts struck-through text as answered, with two tildes or one as GFM allows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-'));
    const doc = ['# R', '', '- [x] Deploy done', '- [ ] ~Skipped~ not needed', '- [ ] ~~Skipped~~ not needed', '- [ ] ~5 min wait', '', 'Status: ~~WIP~~ done, ~PENDING~ cleared, still WIP here.', '', '| Check | Done |', '|---|---|', '| a | ~N/A~ |', '| b | |', ''].join('\n');
    writeFileSync(join(dir, 's.md'), doc);
    // GitHub strikes through what runbook takes as struck.
    const shown = execFileSync('cmark-gfm', ['-e', 'strikethrough', '-e', 'tasklist', '-e', 'table'], { input: doc, encoding: 'utf8' });
    expect(shown.match(/<del>/g)).toHaveLength(5);
    const { findings } = audit(['s.md', '--format', 'json'], dir);
    expect(where(findings)).toEqual(['6:3 unticked-task', '8:48 pending-marker', '13:7 unfilled-cell']);
  });

  it('leaves pending words in indented code and in HTML tags and attributes alone, but not in text between tags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-'));
    const doc = [
      '# Notes', // 1
      '', // 2
      'The job list printed:', // 3
      '', // 4
      '    job-17  PENDING', // 5
      '    job-18  WIP', // 6
      '', // 7
      '<details title="WIP notes">', // 8
      '<summary>WIP</summary>', // 9
      '', // 10
      '</details>', // 11
      '', // 12
      'Status: <span class="PENDING">done</span> and <img alt="⏳" src="x.png">.', // 13
      '',
    ].join('\n');
    writeFileSync(join(dir, 'h.md'), doc);
    const { findings } = audit(['h.md', '--format', 'json'], dir);
    // What GitHub shows as text: only the summary's word.
    const shown = execFileSync('cmark-gfm', ['--unsafe'], { input: doc, encoding: 'utf8' });
    expect(shown).toContain('<pre><code>job-17  PENDING');
    expect(where(findings)).toEqual(['9:10 pending-marker']);
  });

  it('reports ticked tasks whose block has no result or did not pass, and failures no task owns', () => {
    const { findings } = audit(['fixtures/audit/results.md', '--format', 'json']);
    expect(where(findings)).toEqual(['12:3 block-result', '21:1 block-result', '28:1 block-result', '35:1 block-result']);
    expect(findings[1]!.message).toContain('failed (exit 1)');
    expect(findings[2]!.message).toContain('says passed with exit 7');
    // The skipped block below it is an answer, not a failure.
    expect(findings[3]!.message).toBe('block "replica-lag" failed (exit 1)');
  });

  it('reports times that run backwards, do not parse, or lie in the future', () => {
    const { findings } = audit(['fixtures/audit/times.md', '--format', 'json']);
    expect(where(findings)).toEqual(['6:9 time-order', '7:11 time-order', '8:10 time-order']);
  });

  it('reports a row whose times run backwards from left to right, not a drill that passes midnight', () => {
    const { findings } = audit(['fixtures/audit/row-times.md', '--format', 'json']);
    expect(where(findings)).toEqual(['7:24 time-order', '8:35 time-order']);
    expect(findings[0]!.message).toBe('"Ended" of row "recover" (12:06 a.m.) is earlier than its "Started"');
  });

  it('reads a time in the zone its column names, and a dated time against a clock time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-zones-'));
    const doc = [
      '# Drill',
      '',
      '| Step | Started | Ended (CET) |',
      '|---|---|---|',
      // 14:10 CET is 13:10 UTC: before the start, though the digits read later.
      '| drain | 2026-11-23T13:20:00Z | 14:10 |',
      '| fail over | 2026-11-23T13:30:00Z | 14:35 |',
      // Filled by `fill --now` and by hand: a dated start after a clock-time end.
      '| verify | 2026-11-23T13:50:00Z | 13:45 UTC |',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'zones.md'), doc);
    const { findings } = audit([join(dir, 'zones.md'), '--format', 'json']);
    expect(findings.filter((f) => f.ruleId === 'time-order').map((f) => `${f.line}:${f.column}`)).toEqual(['5:34', '7:35']);
  });

  it('reports measured values that break the gate in their row', () => {
    const { findings } = audit(['fixtures/audit/gates.md', '--format', 'json']);
    // G's "1h 5m" is 65 minutes: every part of a compound duration counts.
    expect(where(findings)).toEqual(['6:30 gate-breach', '8:21 gate-breach', '11:22 gate-breach']);
    expect(findings[0]!.message).toBe('row "B" measured 31 s, which breaks its gate "< 30 s"');
  });

  it('reads a bare measured number in the unit its header names, and in seconds where it names none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-'));
    const doc = [
      '# Game day', // 1
      '', // 2
      '| Scenario | Gate | Duration (ms) |', // 3
      '|---|---|---|', // 4
      '| cache flush | < 1 s | 300 |', // 5
      '| slow flush | < 1 s | 1500 |', // 6
      '', // 7
      '| Scenario | Gate | RTO (min) |', // 8
      '|---|---|---|', // 9
      '| region evacuation | < 15 min | 22 |', // 10
      '| zone drain | < 15 min | 40 s |', // 11
      '', // 12
      '| Scenario | Gate | Measured |', // 13
      '|---|---|---|', // 14
      '| restart | < 30 s | 31 |', // 15
      '',
    ].join('\n');
    writeFileSync(join(dir, 'g.md'), doc);
    const { findings } = audit(['g.md', '--format', 'json'], dir);
    expect(where(findings)).toEqual(['6:24 gate-breach', '10:34 gate-breach', '15:22 gate-breach']);
  });

  it('names a timeline row by its first cell that is not a time', () => {
    const { findings } = audit(['fixtures/audit/timeline.md', '--format', 'json']);
    expect(findings.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([
      '5:3 "Time (UTC)" of row "Page acknowledged" is empty',
      '6:39 row "Failover started" measured 95 s, which breaks its gate "< 60 s"',
      '7:51 "Measured" of row "Traffic back on the primary" is empty',
    ]);
  });

  it('reports what the session doc lost from its template, each where it would stand', () => {
    const { findings } = audit(['fixtures/audit/drift/2026-11-20.md', '--format', 'json']);
    // After the task, the section and the row that came before it in the template.
    expect(findings.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([
      '9:1 checklist item "Backup" of the template (line 6) is missing',
      '11:1 section "Sign-off" of the template (line 15) is missing',
      '15:1 row "B" of the template\'s table (line 13) is missing',
    ]);
  });
});

describe('the configuration file', () => {
  it('refuses a rule that does not exist, invalid YAML and an unknown severity, naming the file (audit and check alike)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-config-'));
    cpSync('fixtures/audit/unticked.md', join(dir, 'session.md'));
    const config = join(dir, '.runbook.yml');
    writeFileSync(config, 'audit:\n  rules:\n    unticked-tasks: off\n');
    for (const command of ['audit', 'check']) {
      const { code, stderr } = runCli([command], { cwd: dir });
      expect(code).toBe(2);
      expect(stderr).toContain(`${config}: no rule is called unticked-tasks; the rules are block-options, block-result,`);
    }
    writeFileSync(config, 'audit:\n  rules: [unclosed\n');
    expect(runCli(['audit'], { cwd: dir }).stderr).toContain(`${config}: not valid YAML`);
    for (const key of ['pendingWords', 'placeholders', 'sessionDocs']) {
      writeFileSync(config, `audit:\n  ${key}: ["TODO", " "]\n`);
      const { code, stderr } = runCli(['audit', 'session.md'], { cwd: dir });
      expect(code).toBe(2);
      expect(stderr).toBe(`runbook: ${config}: \`audit.${key}\` must be a list of strings, none of them empty\n`);
    }
    writeFileSync(config, 'audit:\n  rules:\n    unticked-task: loud\n');
    expect(runCli(['audit'], { cwd: dir }).stderr).toContain('rule unticked-task must be error, warning or off');
    // Spelt right, the rule is turned off, and check accepts audit's rules in the same file.
    writeFileSync(config, 'audit:\n  rules:\n    unticked-task: off\n    shellcheck: off\n');
    const off = audit(['--format', 'json', 'session.md'], dir);
    expect(off.findings.filter((f) => f.ruleId === 'unticked-task')).toEqual([]);
    expect(runCli(['check'], { cwd: dir }).code).not.toBe(2);
  });
});

describe('runbook audit output', () => {
  it('prints text grouped by file with a summary', () => {
    const { code, stdout } = runCli(['audit', 'fixtures/audit/unticked.md', 'fixtures/audit/clean.md']);
    expect(code).toBe(1);
    expect(stdout).toBe(
      [
        'fixtures/audit/unticked.md',
        'fixtures/audit/unticked.md:4:3  error  task "Forgotten" is not ticked  unticked-task',
        'fixtures/audit/unticked.md:8:10  error  "OK" of row "disk" is not ticked  unticked-cell',
        'fixtures/audit/unticked.md:10:9  error  "OK" of row "dns" is not ticked  unticked-cell',
        '',
        '3 errors, 0 warnings in 2 files audited',
        '',
      ].join('\n'),
    );
  });

  it('writes GitHub workflow commands that annotate the diff', () => {
    const { stdout } = runCli(['audit', 'fixtures/audit/gates.md', '--format', 'github']);
    expect(stdout.split('\n')[0]).toBe('::error file=fixtures/audit/gates.md,line=6,col=30,title=gate-breach::row "B" measured 31 s, which breaks its gate "< 30 s"');
  });

  it('exits 2 for an unknown format or a path that does not exist', () => {
    expect(runCli(['audit', 'fixtures/audit', '--format', 'xml']).code).toBe(2);
    const missing = runCli(['audit', 'nope.md']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('runbook: nope.md: no such file or folder\n');
  });
});

describe('runbook audit in a repository', () => {
  function repo() {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'sre@example.test');
    git('config', 'user.name', 'SRE');
    return { dir, git };
  }

  it('with no inputs audits only the session docs git knows of, not templates or fixtures, and says how many it skipped', () => {
    const { dir, git } = repo();
    mkdirSync(join(dir, 'runbooks'));
    mkdirSync(join(dir, 'fixtures'));
    mkdirSync(join(dir, 'scratch'));
    cpSync('fixtures/play/drill.md', join(dir, 'runbooks', 'drill.md'));
    cpSync('fixtures/audit/unticked.md', join(dir, 'fixtures', 'unticked.md'));
    cpSync('fixtures/audit/unfilled.md', join(dir, 'fixtures', 'unfilled.md'));
    writeFileSync(join(dir, 'README.md'), '# Readme\n\n- [ ] not a session\n');
    writeFileSync(join(dir, '.gitignore'), 'scratch/\n');
    for (const out of ['runbooks/2026-11-20.md', 'runbooks/2026-11-21.md', 'scratch/2026-11-22.md']) {
      expect(runCli(['new', 'runbooks/drill.md', out], { cwd: dir }).code).toBe(0);
    }
    git('add', 'README.md', '.gitignore', 'runbooks/drill.md', 'runbooks/2026-11-20.md', 'fixtures');
    git('commit', '-qm', 'base');
    // One session doc committed, one new and not ignored, one in an ignored folder.
    const { code, stdout, stderr } = runCli(['audit', '--format', 'json'], { cwd: dir });
    expect(code).toBe(1);
    const files = [...new Set((JSON.parse(stdout) as F[]).map((f) => f.file))].sort();
    expect(files).toEqual(['runbooks/2026-11-20.md', 'runbooks/2026-11-21.md']);
    expect(stderr).toBe('runbook: audited 2 session docs, skipped 4 other Markdown files (a session doc names its template in its front matter, as `runbook new` writes it; name files to audit them anyway)\n');
    // From a folder below the root, only what is under it.
    const below = runCli(['audit'], { cwd: join(dir, 'fixtures') });
    expect(below.code).toBe(0);
    expect(below.stderr).toContain('audited 0 session docs, skipped 2 other Markdown files');
    // Named, a template is audited all the same.
    expect(runCli(['audit', 'fixtures/unticked.md'], { cwd: dir }).code).toBe(1);
  });

  it('--changed audits only the Markdown files a branch added or modified, filtered by the configured globs', () => {
    const { dir, git } = repo();
    cpSync('fixtures/audit/unticked.md', join(dir, 'old-session.md'));
    writeFileSync(join(dir, 'README.md'), '# Readme\n');
    git('add', '.');
    git('commit', '-qm', 'base');
    git('checkout', '-qb', 'game-day');
    cpSync('fixtures/audit/gates.md', join(dir, 'new-session.md'));
    writeFileSync(join(dir, 'README.md'), '# Readme\n\n- [ ] an unticked task in a changed non-session doc\n');
    git('add', '.');
    git('commit', '-qm', 'session');
    const all = audit(['--changed', 'main', '--format', 'json'], dir);
    expect([...new Set(all.findings.map((f) => f.file))]).toEqual(['README.md', 'new-session.md']);
    writeFileSync(join(dir, '.runbook.yml'), 'audit:\n  sessionDocs: ["*-session.md"]\n  rules:\n    gate-breach: warning\n');
    const configured = audit(['--changed', 'main', '--format', 'json'], dir);
    expect(configured.findings.map((f) => `${f.file} ${f.severity} ${f.ruleId}`)).toEqual(['new-session.md warning gate-breach', 'new-session.md warning gate-breach', 'new-session.md warning gate-breach']);
    // Only warnings: the audit passes.
    expect(configured.code).toBe(0);
    // Edits not committed yet and new files count too (as they will be in the pull request);
    // files git ignores do not.
    writeFileSync(join(dir, 'old-session.md'), `${readFileSync(join(dir, 'old-session.md'), 'utf8')}\n- [ ] added after the commit\n`);
    cpSync('fixtures/audit/unticked.md', join(dir, 'draft-session.md'));
    writeFileSync(join(dir, '.gitignore'), 'scratch-session.md\n');
    cpSync('fixtures/audit/unticked.md', join(dir, 'scratch-session.md'));
    const local = audit(['--changed', 'main', '--format', 'json'], dir);
    expect([...new Set(local.findings.map((f) => f.file))].sort()).toEqual(['draft-session.md', 'new-session.md', 'old-session.md']);
    mkdirSync(join(dir, 'sub'));
    const fromSub = audit(['--changed', 'main', '--format', 'json'], join(dir, 'sub'));
    expect([...new Set(fromSub.findings.map((f) => f.file))].sort()).toEqual(['../draft-session.md', '../new-session.md', '../old-session.md']);
    const bad = runCli(['audit', '--changed', 'no-such-branch'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/git could not list the changes/);
  });

  it('never runs anything: a document whose blocks would create a file creates nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-'));
    writeFileSync(join(dir, 'doc.md'), '- [x] Create\n\n  ```bash\n  touch created-by-block\n  ```\n\n```sh\necho > also-created\n```\n');
    const { code } = runCli(['audit', 'doc.md'], { cwd: dir });
    expect(code).toBe(1);
    expect(existsSync(join(dir, 'created-by-block'))).toBe(false);
    expect(existsSync(join(dir, 'also-created'))).toBe(false);
    expect(existsSync(join(dir, '.runbook'))).toBe(false);
  });
});

describe('files found, not named, that cannot be read as Markdown', () => {
  it('are skipped with a note, by audit (on one thread or several) and check, and the rest are still read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-audit-found-'));
    mkdirSync(join(dir, 'd'));
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, 'd', `s${String(i).padStart(2, '0')}.md`), i % 7 === 3 ? '' : i % 7 === 5 ? Buffer.from([0x2d, 0x20, 0x5b, 0x20, 0x5d, 0x20, 0xff, 0x0a]) : `# S${i}\n\n- [ ] open item ${i}\n`);
    const one = runCli(['audit', 'd', '--format', 'json', '--jobs', '1', '--no-cache'], { cwd: dir });
    const two = runCli(['audit', 'd', '--format', 'json', '--jobs', '2', '--no-cache'], { cwd: dir });
    for (const result of [one, two]) {
      expect(result.code).toBe(1);
      expect((JSON.parse(result.stdout) as F[]).map((f) => f.file)).toEqual([0, 1, 2, 4, 6, 7, 8, 9, 11, 13, 14, 15, 16, 18].map((i) => `d/s${String(i).padStart(2, '0')}.md`));
      expect(result.stderr).toContain('runbook: skipped d/s03.md: the file is empty');
      expect(result.stderr.match(/^runbook: skipped /gm)).toHaveLength(6);
    }
    expect(two.stdout).toBe(one.stdout);
    const check = runCli(['check'], { cwd: join(dir, 'd') });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('in 14 files checked');
    expect(check.stderr).toContain('runbook: skipped s10.md:');
    // Named, it is refused as before.
    const named = runCli(['audit', 'd/s03.md', 'd/s00.md'], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toBe('runbook: d/s03.md: the file is empty; nothing to read\n');
  });
});
