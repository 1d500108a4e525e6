import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { sha256 } from '../../src/random.js';
import { runCli } from '../support/cli.js';
import { lineOf } from '../support/fixtures.js';

/** The date where this process is (`YYYY-MM-DD`), in time zone `tz` when given. */
function localDay(now: Date, tz?: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function copy(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-cmd-'));
  const path = join(dir, 'doc.md');
  copyFileSync(`fixtures/${fixture}`, path);
  return path;
}

describe('runbook tick', () => {
  it('ticks a task and prints the one line it changed', () => {
    const path = copy('runbooks/game-day-template.md');
    const before = readFileSync(path, 'utf8');
    const line = lineOf(before, '- [ ] Paging silenced');
    const { code, stdout } = runCli(['tick', path, '--line', String(line)]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${path}:${line}  task "Paging silenced for $TARGET_ENV for the drill window": [ ] → [x]\n`);
    expect(readFileSync(path, 'utf8')).toBe(before.replace('- [ ] Paging silenced', '- [x] Paging silenced'));
  });

  it('ticks, fails and unticks a table checkbox cell keeping its family', () => {
    const path = copy('runbooks/game-day-template.md');
    const text = readFileSync(path, 'utf8');
    const row = lineOf(text, '| C | Cache primary killed');
    expect(runCli(['tick', path, '--line', String(row)]).code).toBe(0);
    expect(readFileSync(path, 'utf8').split('\n')[row - 1]).toMatch(/\| ☑ \|$/);
    expect(runCli(['tick', path, '--line', String(row), '--fail']).code).toBe(0);
    expect(readFileSync(path, 'utf8').split('\n')[row - 1]).toMatch(/\| ❌ \|$/);
    expect(runCli(['tick', path, '--line', String(row), '--column', 'Auto-recovery?', '--undo']).code).toBe(0);
    // Its family is gone once failed; it takes the column's most common one.
    expect(readFileSync(path, 'utf8').split('\n')[row - 1]).toMatch(/\| \[ \] \|$/);
  });

  it('exits 2 for a line with no box and for an unknown column', () => {
    const path = copy('runbooks/game-day-template.md');
    const before = readFileSync(path);
    const none = runCli(['tick', path, '--line', '1']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/:1 holds no task and no table row/);
    const row = lineOf(before.toString(), '| A | Primary');
    const column = runCli(['tick', path, '--line', String(row), '--column', 'Nope']);
    expect(column.code).toBe(2);
    expect(column.stderr).toMatch(/no column "Nope" \(columns: ID, Scenario, Smoke test/);
    const text = runCli(['tick', path, '--line', String(row), '--column', 'Scenario']);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/holds no checkbox/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

describe('runbook fill', () => {
  it('fills a cell with text, escaping pipes, and with the current time', () => {
    const path = copy('runbooks/game-day-template.md');
    const row = lineOf(readFileSync(path, 'utf8'), '| A | Primary');
    expect(runCli(['fill', path, '--line', String(row), '--column', 'Observation', '--value', 'replica took over | 12 s']).code).toBe(0);
    const started = runCli(['fill', path, '--line', String(row), '--column', '4', '--now']);
    expect(started.code).toBe(0);
    const line = readFileSync(path, 'utf8').split('\n')[row - 1]!;
    expect(line).toMatch(/^\| A \| Primary database failover \| `bash tests\/pg-failover.sh` \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \| \| replica took over \\\| 12 s \| db-failover.md \| \| \[ \] \|$/);
    const model = parseRunbook(readFileSync(path, 'utf8'));
    expect(model.tables[0]!.rows[0]!.cells[5]!.text).toBe('replica took over | 12 s');
  });

  it('fills and ticks by column number in a table whose header cells repeat (a key/value table)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-cmd-'));
    const path = join(dir, 'kv.md');
    const text = '# Drill\n\n| | |\n|---|---|\n| Owner | TBD |\n| Paged | [ ] |\n';
    writeFileSync(path, text);
    const fill = runCli(['fill', path, '--line', '5', '--column', '2', '--value', 'alice']);
    expect(fill.stderr).toBe('');
    expect(fill.code).toBe(0);
    const tick = runCli(['tick', path, '--line', '6', '--column', '2']);
    expect(tick.stderr).toBe('');
    expect(tick.code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(text.replace('| TBD |', '| alice |').replace('| [ ] |', '| [x] |'));
  });

  it('refuses a value with a line break, and needs exactly one of --value and --now', () => {
    const path = copy('runbooks/game-day-template.md');
    const row = String(lineOf(readFileSync(path, 'utf8'), '| A | Primary'));
    const multi = runCli(['fill', path, '--line', row, '--column', 'Observation', '--value', 'a\nb']);
    expect(multi.code).toBe(2);
    expect(multi.stderr).toMatch(/holds one line/);
    const both = runCli(['fill', path, '--line', row, '--column', 'Observation']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/exactly one of --value TEXT and --now/);
  });
});

describe('runbook new', () => {
  it('copies a tracked template into a dated session doc recording where it came from', () => {
    const repo = mkdtempSync(join(tmpdir(), 'runbook-new-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
    git('init', '-q');
    git('config', 'user.email', 'sre@example.test');
    git('config', 'user.name', 'Ada Operator');
    copyFileSync('fixtures/runbooks/game-day-template.md', join(repo, 'TEMPLATE.md'));
    git('add', '.');
    git('commit', '-qm', 'template');
    const head = git('rev-parse', 'HEAD');
    const template = readFileSync(join(repo, 'TEMPLATE.md'));
    const { code, stdout } = runCli(['new', 'TEMPLATE.md'], { cwd: repo, env: { RUNBOOK_OPERATOR: '' } });
    expect(code).toBe(0);
    const day = localDay(new Date());
    expect(stdout).toBe(`${day}.md: new session doc from TEMPLATE.md\n`);
    const session = readFileSync(join(repo, `${day}.md`), 'utf8');
    const model = parseRunbook(session);
    expect(model.frontMatter!.data.runbook).toMatchObject({ template: 'TEMPLATE.md', commit: head, sha256: sha256(template), operator: 'Ada Operator' });
    expect(model.frontMatter!.data.title).toBe('Storage tier game day — session template');
    // Everything after the front matter is the template's, byte for byte.
    expect(session.slice(session.indexOf('# Storage tier'))).toBe(template.toString().slice(template.toString().indexOf('# Storage tier')));
    expect(readFileSync(join(repo, 'TEMPLATE.md')).equals(template)).toBe(true);
    // A second session the same day gets its own file; an explicit existing OUT is refused.
    expect(runCli(['new', 'TEMPLATE.md'], { cwd: repo }).stdout).toBe(`${day}-2.md: new session doc from TEMPLATE.md\n`);
    const clash = runCli(['new', 'TEMPLATE.md', `${day}.md`], { cwd: repo });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/already exists; it is never overwritten/);
    expect(readFileSync(join(repo, `${day}.md`), 'utf8')).toBe(session);
  });

  it('names a session doc for the day where the operator is, not the UTC day', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-new-'));
    writeFileSync(join(dir, 'tpl.md'), '# Drill\n\n- [ ] step\n');
    // Kiritimati is 14 hours ahead of UTC, Niue 11 hours behind: for ten hours a day they are two
    // dates apart, and at least one of them is on another date than UTC.
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Niue']) {
      const before = localDay(new Date(), tz);
      const { code, stdout } = runCli(['new', 'tpl.md'], { cwd: dir, env: { TZ: tz } });
      const after = localDay(new Date(), tz);
      expect(code).toBe(0);
      expect([`${before}.md: new session doc from tpl.md\n`, `${after}.md: new session doc from tpl.md\n`]).toContain(stdout);
    }
  });

  it('puts the record before the closing --- whatever line ending the front matter uses, and refuses front matter it cannot extend', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-new-'));
    writeFileSync(join(dir, 'mixed.md'), '---\ntitle: Mixed\n---\n- [ ] step 1\r\n- [ ] step 2\r\n- [ ] step 3\r\n');
    expect(runCli(['new', 'mixed.md', 'out.md'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'ci' } }).code).toBe(0);
    const out = readFileSync(join(dir, 'out.md'), 'utf8');
    expect(out).toMatch(/^---\ntitle: Mixed\nrunbook:\n {2}template: mixed\.md\n[^\r]*\n---\n- \[ \] step 1\r\n/);
    expect(parseRunbook(out).frontMatter!.data.runbook).toMatchObject({ template: 'mixed.md', operator: 'ci' });
    expect(parseRunbook(out).tasks).toHaveLength(3);
    for (const [name, front] of [['flow.md', '{title: Drill, env: {REGION: eu}}'], ['scalar.md', 'hello']] as const) {
      writeFileSync(join(dir, name), `---\n${front}\n---\n- [ ] a\n`);
      const refused = runCli(['new', name, `s-${name}`], { cwd: dir });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`runbook: ${name}: its front matter is not a list of \`key: value\` lines`);
      expect(existsSync(join(dir, `s-${name}`))).toBe(false);
    }
    // Front matter that is not valid YAML would never give the record back: refused, nothing written.
    for (const [name, front] of [['unclosed.md', 'title: [unclosed'], ['prose.md', 'Warning: read this first.\n\n- [ ] Confirm you are on call']] as const) {
      writeFileSync(join(dir, name), `---\n${front}\n---\n- [ ] a\n`);
      const refused = runCli(['new', name, `s-${name}`], { cwd: dir });
      expect([refused.code, refused.stderr.split('\n').length], name).toEqual([2, 2]);
      expect(refused.stderr).toMatch(new RegExp(`^runbook: ${name}: its front matter is not valid YAML: .*; fix it first`));
      expect(existsSync(join(dir, `s-${name}`))).toBe(false);
    }
  });

  it('adds front matter to a template that has none, keeping CRLF and the BOM', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-new-'));
    copyFileSync('fixtures/parser/crlf-bom.md', join(dir, 'tpl.md'));
    expect(runCli(['new', 'tpl.md', 'out.md'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'bob' } }).code).toBe(0);
    const out = readFileSync(join(dir, 'out.md'), 'utf8');
    expect(out.startsWith('\uFEFF---\r\nrunbook:\r\n  template: tpl.md\r\n  commit: null\r\n')).toBe(true);
    expect(out.endsWith(readFileSync(join(dir, 'tpl.md'), 'utf8').slice(1))).toBe(true);
    expect(existsSync(join(dir, 'tpl.md'))).toBe(true);
  });
});

describe('runbook reset', () => {
  it('puts a filled session doc back to its template state', () => {
    const path = copy('edits/reset-cells/input.md');
    const { code, stdout } = runCli(['reset', path, '--cells']);
    expect(code).toBe(0);
    expect(stdout).toContain('result line removed');
    expect(readFileSync(path).equals(readFileSync('fixtures/edits/reset-cells/expected.md'))).toBe(true);
    expect(runCli(['reset', path, '--cells']).stdout).toBe(`${path}: nothing to reset\n`);
  });

  it('gives back the bytes a run started from, when the document ended in a fence with no final newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-reset-'));
    const path = join(dir, 'end.md');
    const original = '# End\n\nText first.\n\n```bash\necho last\n```';
    writeFileSync(path, original);
    expect(runCli(['run', path, '--yes'], { env: { RUNBOOK_OPERATOR: 'ci' } }).code).toBe(0);
    // The run wrote a result line and the session timeline after the fence.
    expect(readFileSync(path, 'utf8')).toContain('<!-- /session timeline -->');
    const reset = runCli(['reset', path]);
    expect(reset.stderr).toBe('');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(`${path}:8  result line removed, timeline removed`);
    expect(readFileSync(path, 'utf8')).toBe(original);
  });

  it('empties with --cells what a session filled, and leaves what the template planned', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-reset-'));
    const plan = ['## Plan', '', '| Phase | When | Duration | Owner |', '|---|---|---|---|', '| Announce | T-24h | 10 min | comms |', '| Soak | after the deploy | 4 h | sre |', ''];
    const log = ['## Log', '', '| Step | Started | Finished | Took |', '|---|---|---|---|', '| Drain | 14:03 | 2026-11-23T14:05:10Z | 2m10 |', '| Fail over | TBD | | |', '| Page | 14:20 IST | | 30 s |', '', '| Check | Done | Took |', '|---|---|---|', '| ping | [x] | 12.3 s |', '| soak | [ ] | 4 h |', ''];
    const path = join(dir, 'day.md');
    writeFileSync(path, [...plan, ...log].join('\n'));
    expect(runCli(['reset', path, '--cells']).code).toBe(0);
    const after = readFileSync(path, 'utf8');
    // The plan's times and durations are the template's: untouched, byte for byte.
    expect(after.startsWith(plan.join('\n'))).toBe(true);
    expect(after).toContain('| Drain | | | |\n| Fail over | | | |\n| Page | | | |\n');
    // A ticked box says the row was done in a session: its duration goes; a plan's stays.
    expect(after).toContain('| ping | [ ] | |\n| soak | [ ] | 4 h |\n');
  });

  it('refuses while another session holds the lock', () => {
    const path = copy('edits/reset-cells/input.md');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: 'now', command: 'runbook play' }));
    const { code, stderr } = runCli(['reset', path]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/is being edited by `runbook play`/);
  });

  it('says so in one line, changing nothing, when a folder is where the lock file goes', () => {
    const path = copy('edits/reset-cells/input.md');
    const before = readFileSync(path, 'utf8');
    mkdirSync(`${path}.lock`);
    for (const args of [['tick', path, '--line', '1'], ['reset', path], ['run', path, '--yes']]) {
      const { code, stderr } = runCli(args);
      expect(code).toBe(2);
      expect(stderr).toBe(`runbook: ${path}: ${path}.lock is in the way of its lock file (it is not a file); remove it and try again\n`);
    }
    expect(readFileSync(path, 'utf8')).toBe(before);
  });
});

describe('a read-only document', () => {
  it('is refused by every command that writes it, before anything runs: one line, exit 2, the file and its mode untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-readonly-'));
    const doc = '# Signed off\n\n- [ ] Page the on-call\n\n```bash\necho ran > ran.txt\n```\n\n| Step | When |\n|---|---|\n| one |  |\n';
    writeFileSync(join(dir, 'ro.md'), doc);
    chmodSync(join(dir, 'ro.md'), 0o444);
    for (const args of [['run', 'ro.md', '--yes'], ['tick', 'ro.md', '--line', '3'], ['fill', 'ro.md', '--line', '11', '--column', 'When', '--value', '10:00'], ['reset', 'ro.md']]) {
      const result = runCli(args, { cwd: dir });
      expect([result.code, result.stderr], args.join(' ')).toEqual([2, 'runbook: ro.md: the file is read-only (mode 0444); nothing was run or changed: make it writable (chmod u+w) to record in it\n']);
    }
    expect(readFileSync(join(dir, 'ro.md'), 'utf8')).toBe(doc);
    expect(statSync(join(dir, 'ro.md')).mode & 0o777).toBe(0o444);
    // Nothing ran, and no session was started: no lock, no journal.
    expect(readdirSync(dir).filter((name) => name !== 'ro.md' && name !== '.runbook')).toEqual([]);
    expect(existsSync(join(dir, '.runbook')) ? readdirSync(join(dir, '.runbook')) : []).toEqual([]);
  });
});

describe('a shared document', () => {
  it('keeps its mode, group-writable bits included, whatever the umask of the one who edits it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-mode-'));
    for (const mode of [0o664, 0o660, 0o600]) {
      const path = join(dir, `doc-${mode.toString(8)}.md`);
      writeFileSync(path, '# Shared\n\n- [ ] Page the on-call\n');
      chmodSync(path, mode);
      // A umask that would take the group's write bit (and everything of others) off a new file.
      execFileSync('sh', ['-c', 'umask 027 && exec "$0" "$@"', process.execPath, 'bin/runbook.js', 'tick', path, '--line', '3']);
      expect(readFileSync(path, 'utf8')).toContain('- [x] Page the on-call');
      expect((statSync(path).mode & 0o777).toString(8)).toBe(mode.toString(8));
    }
  });
});
