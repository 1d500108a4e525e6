import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meetsGate, parseDurationText, parseRunbook, type Runbook } from '../../src/parser/index.js';
import { BIN, runCli } from '../support/cli.js';
import { copyBundledRunbooks } from '../support/bundled.js';
import { splitTimeline } from '../support/timeline.js';

const env = { RUNBOOK_OPERATOR: 'game-master', GITHUB_ACTIONS: '' };

function journal(dir: string, name: string): Array<Record<string, unknown>> {
  return readFileSync(join(dir, '.runbook', `${name}.journal.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

/** Each scenario row of a model as `{ column header: cell text }`. */
function rows(model: Runbook): Array<Record<string, string>> {
  return model.scenarios.map((s) => {
    const table = model.tables[s.table]!;
    return Object.fromEntries(table.header.map((h, i) => [h, table.rows[s.row]!.cells[i]!.text]));
  });
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** Starts `runbook run FILE --yes` and resolves once its output matches `ready`. */
async function startRun(dir: string, file: string, ready: RegExp) {
  const child = spawn(process.execPath, [BIN, 'run', file, '--yes'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let out = '';
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (ready.test(out)) resolve();
    });
  });
  return { child, exited };
}

describe('runbook run on the bundled game day', () => {
  it('plays every scenario, measures each recovery and fills its row; audit finds no gate breached', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-gameday-'));
    copyBundledRunbooks(dir);
    const before = readFileSync(join(dir, 'game-day.md'), 'utf8');
    const { code, stdout } = runCli(['run', 'game-day.md', '--yes', '--report', 'r.json', '--junit', 'j.xml'], { cwd: dir, env });
    expect(code, stdout).toBe(0);
    // The session's timeline is written at the end: one bar per scenario and block run.
    const { rest: after, chart } = splitTimeline(readFileSync(join(dir, 'game-day.md'), 'utf8'));
    expect(chart!.match(/ :(?:done|crit|active), t\d+,/g)).toHaveLength(5);
    const model = parseRunbook(after);
    const filled = rows(model);
    expect(filled.map((r) => r.ID)).toEqual(['A', 'B', 'C']);
    for (const row of filled) {
      expect(row.Started).toMatch(ISO);
      expect(row.Measured).toMatch(/^\d+\.\d\d s$/);
      expect(row['Auto-recovery?']).toBe('✅');
      // The outcome names the part of the gate that was compared, nothing more.
      expect(row.Outcome).toBe(`✅ passed: ${row.Measured} meets ${row.Gate!.replace(/^.*?(<|within)/, '$1')}`);
      expect(meetsGate(model.scenarios.find((s) => s.id === row.ID)!.gate!, parseDurationText(row.Measured!)!)).toBe(true);
    }
    // Only the scenario rows, the two blocks' result lines and their tasks changed.
    const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(before.split('\n').length + 2).toBe(after.split('\n').length);
    expect(changed.filter((l) => l.startsWith('| A ') || l.startsWith('| B ') || l.startsWith('| C '))).toHaveLength(3);

    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(report.scenarios.map((s: { id: string; outcome: string; gateMet: boolean }) => [s.id, s.outcome, s.gateMet])).toEqual([
      ['A', 'passed', true],
      ['B', 'passed', true],
      ['C', 'passed', true],
    ]);
    // A: the replica promotes itself after its peer has been silent for a second.
    expect(report.scenarios[0].measuredMs).toBeGreaterThanOrEqual(1000);
    expect(readFileSync(join(dir, 'j.xml'), 'utf8').match(/<testcase [^>]*name="scenario /g)).toHaveLength(3);
    expect(stdout).toMatch(/scenario +gate +measured +outcome/);
    expect(stdout).toMatch(/A — Primary dies, replica takes over +RTO < 10 s +\d+\.\d\d s +passed/);

    const events = journal(dir, 'game-day.md');
    expect(events.filter((e) => e.type === 'scenario-end').map((e) => e.outcome)).toEqual(['passed', 'passed', 'passed']);
    expect(events.filter((e) => e.type === 'poll').map((e) => e.passed)).toEqual([true, true]);
    expect((events.find((e) => e.type === 'summary')!.scenarios as unknown[]).length).toBe(3);

    const audit = runCli(['audit', 'game-day.md', '--format', 'json'], { cwd: dir });
    const findings = JSON.parse(audit.stdout) as Array<{ ruleId: string }>;
    expect(findings.filter((f) => f.ruleId === 'gate-breach')).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'unticked-cell')).toEqual([]);

    // `reset --cells` takes the session doc back to the template, byte for byte.
    expect(runCli(['reset', 'game-day.md', '--cells'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'game-day.md'), 'utf8')).toBe(before);
  });
});

describe('the bundled game day played with a scenario that does not recover', () => {
  it('marks what was not measured as deliberately empty, so audit passes the session doc', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-gameday-'));
    copyBundledRunbooks(dir);
    // Scenario A waits for a role the replica never takes, for at most two seconds.
    const template = readFileSync(join(dir, 'game-day.md'), 'utf8');
    const never = template.replace('--expect-role primary` | RTO', '--expect-role nobody` | RTO');
    expect(never).not.toBe(template);
    writeFileSync(join(dir, 'game-day.md'), `---\npoll: { every: 200ms, within: 2s }\n---\n${never}`);
    const { code, stdout } = runCli(['run', 'game-day.md', '--yes', '--keep-going'], { cwd: dir, env });
    expect(code, stdout).toBe(1);
    const model = parseRunbook(readFileSync(join(dir, 'game-day.md'), 'utf8'));
    const [a, , c] = rows(model);
    expect(a).toMatchObject({ Measured: '—', 'Auto-recovery?': '❌' });
    // C has no check to poll: its cell says so on purpose.
    expect(c!['Recovered when']).toBe('—');
    // What is left is the operator's: the two tasks no block ticks.
    for (const task of model.tasks.filter((t) => !t.checked)) expect(runCli(['tick', 'game-day.md', '--line', String(task.line)], { cwd: dir }).code).toBe(0);
    const audit = runCli(['audit', 'game-day.md'], { cwd: dir });
    expect(audit.stdout).toContain('0 errors, 0 warnings in 1 file audited');
    expect(audit.code, audit.stdout).toBe(0);
  });
});

const TROUBLE = `# Troubled game day

| ID | Scenario | Inject | Recovered when | Gate | Started | Measured | Pass | Outcome |
|----|----------|--------|----------------|------|---------|----------|------|---------|
| A | Written as prose | restart the database by hand | | RTO < 60 s | | | ⬜ | |
| B | Gate in words | \`true\` | | replica auto-promoted | | | ⬜ | |
| C | Too slow | \`sleep 1.2\` | | RTO < 1 s | | | ⬜ | |
| D | Never recovers | \`echo injected\` | \`false\` | RTO < 1 s | | | ⬜ | |
| E | Healthy | \`echo fine\` | | < 30 s | | | ⬜ | |
| F | Two checks | \`true\` | \`true\` then \`false\` | < 30 s | | | ⬜ | |
`;

describe('a manual row (no inline code to run)', () => {
  it('keeps what the operator recorded in it by hand', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-gameday-'));
    const manual = '| A | kill the primary by hand | < 60 s | 14:02 | 42 s | [x] | replica promoted, verified by hand |';
    const text = `# Game day\n\n| ID | Inject | Gate | Started | Measured | Pass | Outcome |\n|----|--------|------|---------|----------|------|---------|\n${manual}\n| B | \`true\` | < 10 s | | | [ ] | |\n`;
    writeFileSync(join(dir, 'gd.md'), text);
    const { code } = runCli(['run', 'gd.md', '--yes', '--no-timeline'], { cwd: dir, env });
    expect(code).toBe(0);
    const after = readFileSync(join(dir, 'gd.md'), 'utf8');
    expect(after.split('\n')[4]).toBe(manual);
    expect(after.split('\n')[5]).toMatch(/^\| B \| `true` \| < 10 s \| \S+ \| \d+\.\d\d s \| \[x\] \| ✅ passed/);
  });
});

describe('scenarios that cannot pass', () => {
  it('records each in its row and the journal, never as a green box, and goes on with --keep-going', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-gameday-'));
    writeFileSync(join(dir, 'trouble.md'), `---\npoll:\n  every: 100ms\n  within: 1s\n---\n${TROUBLE}`);
    const { code, stdout } = runCli(['run', 'trouble.md', '--yes', '--keep-going', '--report', 'r.json', '--junit', 'j.xml'], { cwd: dir, env });
    expect(code, stdout).toBe(1);
    const model = parseRunbook(readFileSync(join(dir, 'trouble.md'), 'utf8'));
    const [a, b, c, d, e, f] = rows(model);
    expect(a).toMatchObject({ Started: '', Measured: '', Pass: '⬜' });
    expect(a!.Outcome).toMatch(/^⚠️ not run: the "Inject" cell holds no inline code/);
    expect(b).toMatchObject({ Pass: '⬜' });
    expect(b!.Measured).toMatch(/^\d+\.\d\d s$/);
    expect(b!.Outcome).toBe('⚠️ measured ' + b!.Measured + '; gate not checked: judge it');
    expect(c!.Pass).toBe('❌');
    expect(c!.Outcome).toBe(`❌ failed: ${c!.Measured} breaks < 1 s`);
    expect(parseDurationText(c!.Measured!)).toBeGreaterThanOrEqual(1.2);
    expect(d).toMatchObject({ Measured: '—', Pass: '❌' });
    expect(d!.Outcome).toMatch(/^❌ failed: the check `false` did not pass within 1\.00 s \(\d+ tr(?:y|ies)\)$/);
    expect(d!.Started).toMatch(ISO);
    // The result line says why once: the outcome text already holds the reason.
    const dLine = stdout.split('\n').find((line) => line.includes('the check `false` did not pass'));
    expect(dLine?.match(/did not pass/g), stdout).toHaveLength(1);
    expect(e).toMatchObject({ Pass: '✅' });
    // A check of two lines fails with a reason that still fits in one cell.
    expect(f!.Outcome).toMatch(/^❌ failed: the check `true; false` did not pass within 1\.00 s/);

    const ends = journal(dir, 'trouble.md').filter((ev) => ev.type === 'scenario-end');
    expect(ends.map((ev) => [ev.id, ev.outcome, ev.gateMet])).toEqual([
      ['A', 'skipped', null],
      ['B', 'needs judgment', null],
      ['C', 'failed', false],
      ['D', 'failed', null],
      ['E', 'passed', true],
      ['F', 'failed', null],
    ]);
    expect(stdout).toContain('1 passed, 3 failed, 2 for the operator to judge');
    const junit = readFileSync(join(dir, 'j.xml'), 'utf8');
    expect(junit).toContain('failures="3"');
    expect(junit).toContain('skipped="2"');

    // audit reports the breach the run measured, and the boxes nobody could tick.
    const audit = runCli(['audit', 'trouble.md', '--format', 'json'], { cwd: dir });
    expect(audit.code).toBe(1);
    const findings = JSON.parse(audit.stdout) as Array<{ ruleId: string; line: number }>;
    expect(findings.filter((f) => f.ruleId === 'gate-breach').map((f) => f.line)).toEqual([model.scenarios[2]!.line]);
  });

  it('stops at the first failed scenario without --keep-going; the next ones run with --only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-gameday-'));
    writeFileSync(join(dir, 'trouble.md'), `---\npoll:\n  every: 100ms\n  within: 1s\n---\n${TROUBLE}`);
    const first = runCli(['run', 'trouble.md', '--yes'], { cwd: dir, env });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('3 not run');
    let model = parseRunbook(readFileSync(join(dir, 'trouble.md'), 'utf8'));
    expect(rows(model).map((r) => r.Pass)).toEqual(['⬜', '⬜', '❌', '⬜', '⬜', '⬜']);
    const rest = runCli(['run', 'trouble.md', '--yes', '--only', 'E'], { cwd: dir, env });
    expect(rest.code).toBe(0);
    model = parseRunbook(readFileSync(join(dir, 'trouble.md'), 'utf8'));
    expect(rows(model).map((r) => r.Pass)).toEqual(['⬜', '⬜', '❌', '⬜', '✅', '⬜']);
  });

  it('refuses a poll setting it cannot read, and a variable no source gives, before running anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-gameday-'));
    writeFileSync(join(dir, 'bad.md'), `---\npoll:\n  every: soon\n---\n${TROUBLE}`);
    const bad = runCli(['run', 'bad.md', '--yes'], { cwd: dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('front matter poll.every: soon is not a duration (30s, 5m, 1h30m)');
    writeFileSync(join(dir, 'vars.md'), '| ID | Command | Gate |\n|---|---|---|\n| A | `curl "$TARGET_URL"` | < 5 s |\n');
    const vars = runCli(['run', 'vars.md', '--yes'], { cwd: dir, env });
    expect(vars.code).toBe(2);
    expect(vars.stderr).toContain('vars.md:3: no value for TARGET_URL');
    expect(readFileSync(join(dir, 'vars.md'), 'utf8')).toBe('| ID | Command | Gate |\n|---|---|---|\n| A | `curl "$TARGET_URL"` | < 5 s |\n');
  });
});

describe('a scenario stopped or timed', () => {
  it('measures recovery from the inject to the first passing check, to one poll interval', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-gameday-'));
    writeFileSync(join(dir, 'flip.md'), '---\npoll:\n  every: 250ms\n  within: 20s\n---\n| ID | Inject | Recovered when | Gate | Measured | Pass |\n|---|---|---|---|---|---|\n| A | `(sleep 2; touch healed) &` | `test -e healed` | RTO < 30 s | | [ ] |\n');
    const { code } = runCli(['run', 'flip.md', '--yes', '--report', 'r.json'], { cwd: dir, env });
    expect(code).toBe(0);
    const measured = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).scenarios[0].measuredMs;
    // The check flips 2 s after the inject; polls every 250 ms. A loaded machine is late, never early.
    expect(measured).toBeGreaterThanOrEqual(2000);
    expect(measured).toBeLessThan(2000 + 250 + 3000);
    expect(rows(parseRunbook(readFileSync(join(dir, 'flip.md'), 'utf8')))[0]).toMatchObject({ Pass: '[x]' });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('records a scenario stopped mid-wait (%s) as canceled, leaves its box, and resumes at it', async (signal) => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-gameday-'));
    const doc = '---\npoll:\n  every: 100ms\n  within: 60s\n---\n| ID | Inject | Recovered when | Gate | Measured | Pass | Outcome |\n|---|---|---|---|---|---|---|\n| A | `echo first` | | < 30 s | | [ ] | |\n| B | `echo waiting` | `test -e never` | RTO < 30 s | | [ ] | |\n| C | `echo third` | | < 30 s | | [ ] | |\n';
    writeFileSync(join(dir, 'stop.md'), doc);
    const run = await startRun(dir, 'stop.md', /^waiting$/m);
    await new Promise((resolve) => setTimeout(resolve, 500));
    run.child.kill(signal);
    expect(await run.exited).toBe(1);
    const model = parseRunbook(readFileSync(join(dir, 'stop.md'), 'utf8'));
    const [a, b, c] = rows(model);
    expect(a).toMatchObject({ Pass: '[x]' });
    expect(b).toMatchObject({ Pass: '[ ]', Measured: '' });
    expect(b!.Outcome).toMatch(/^⚠️ canceled after \d+\.\d\d s$/);
    expect(c).toMatchObject({ Pass: '[ ]', Outcome: '' });
    const ends = journal(dir, 'stop.md').filter((e) => e.type === 'scenario-end');
    expect(ends.map((e) => e.outcome)).toEqual(['passed', 'canceled']);

    writeFileSync(join(dir, 'never'), '');
    const resumed = runCli(['run', 'stop.md', '--yes', '--resume'], { cwd: dir, env });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('1 step(s) already done, 2 to go');
    expect(rows(parseRunbook(readFileSync(join(dir, 'stop.md'), 'utf8'))).map((r) => r.Pass)).toEqual(['[x]', '[x]', '[x]']);
  });
});

describe('a game-day doc edited while a scenario runs', () => {
  it('keeps the other person\'s edit and still fills the row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-gameday-'));
    const doc = '# Game day\n\nNotes: none yet.\n\n| ID | Inject | Gate | Measured | Pass |\n|---|---|---|---|---|\n| A | `echo go; sleep 1` | < 30 s | | [ ] |\n';
    writeFileSync(join(dir, 'live.md'), doc);
    const run = await startRun(dir, 'live.md', /^go$/m);
    // Someone adds a line above the table while the scenario runs.
    writeFileSync(join(dir, 'live.md'), doc.replace('Notes: none yet.', 'Notes: none yet.\nPager quiet during the drill.'));
    expect(await run.exited).toBe(0);
    const after = readFileSync(join(dir, 'live.md'), 'utf8');
    expect(after).toContain('Pager quiet during the drill.');
    expect(rows(parseRunbook(after))[0]).toMatchObject({ Pass: '[x]' });
    expect(rows(parseRunbook(after))[0]!.Measured).toMatch(/^\d+\.\d\d s$/);
  });
});

describe('a failed scenario says why in its row', () => {
  it("escapes the command's words, so GitHub shows them as written: no tag, no emphasis, no link", () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-scenario-markup-'));
    const doc = '# Game day\n\n| ID | Scenario | Inject | Gate | Started | Measured | Pass | Outcome |\n|----|----|----|----|----|----|----|----|\n| A | loud failure | `echo "bad <b>bold</b> *x* [y](http://h) \\| z" >&2; false` | RTO < 10 s | | | ⬜ | |\n';
    writeFileSync(join(dir, 'gd.md'), doc);
    expect(runCli(['run', 'gd.md', '--yes'], { cwd: dir, env }).code).toBe(1);
    const written = readFileSync(join(dir, 'gd.md'), 'utf8');
    const html = execFileSync('cmark-gfm', ['-e', 'table'], { input: written, encoding: 'utf8' });
    const cell = /<td>❌ failed: (.*?)<\/td>/.exec(html)?.[1];
    expect(cell).toBe('bad &lt;b&gt;bold&lt;/b&gt; *x* [y](http://h) | z');
    expect(rows(parseRunbook(written))[0]!.Outcome).toBe('❌ failed: bad \\<b>bold\\</b> \\*x\\* \\[y\\](http://h) | z');
  });
});
