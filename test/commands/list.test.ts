import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { parsed } from '../support/fixtures.js';

describe('runbook list', () => {
  it('shows where each block on other hosts runs, and the hosts the document\'s inventory gives it', () => {
    const file = 'fixtures/check/hosts/failover.md';
    const { code, stdout } = runCli(['list', file, '--json']);
    expect(code).toBe(0);
    const blocks = JSON.parse(stdout).blocks as Array<{ line: number; target: unknown }>;
    expect(blocks.map((b) => [b.line, b.target])).toEqual([
      [8, { kind: 'host', name: 'web-1', parallel: 1, hosts: ['web-1'] }],
      [12, { kind: 'group', name: 'web', parallel: 2, hosts: ['web-1', 'web-2'] }],
      [16, { kind: 'host', name: 'bastion', parallel: 1, hosts: ['bastion'] }],
      [20, { kind: 'host', name: 'db-9', parallel: 1, hosts: null }],
      [24, { kind: 'group', name: 'db', parallel: 1, hosts: null }],
      [28, { kind: 'host', name: 'web', parallel: 1, hosts: null }],
    ]);
    const text = runCli(['list', file]).stdout;
    expect(text).toContain('▶ L12 `bash` · on hosts=web (web-1, web-2), 2 at a time — not run');
    expect(text).toContain('▶ L20 `bash` · on host=db-9 (not defined) — not run');
  });

  it('prints the documented JSON form', () => {
    const { code, stdout, stderr } = runCli(['list', 'fixtures/runbooks/canary-release.md', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    const { model } = parsed('runbooks/canary-release.md');
    expect(json.file).toBe('fixtures/runbooks/canary-release.md');
    expect(json.title).toBe('Canary release — api service');
    expect(json.blocks.map((b: { line: number }) => b.line)).toEqual(model.blocks.map((b) => b.line));
    expect(json.blocks[1]).toMatchObject({ index: 1, name: 'drain', lang: 'bash', runnable: true, section: 'Steps', task: null, result: null });
    expect(json.tasks[2]).toEqual({
      line: model.tasks[2]!.line,
      checked: true,
      text: 'Metrics endpoint reachable from the deploy host',
      section: 'Pre-flight checklist',
      kind: 'task',
      extension: false,
      box: '[x]',
    });
    expect(json.tables[0].header).toEqual(['Knob', 'Default', 'Description']);
    expect(json.tables[0].rows[1].cells[1]).toEqual({ text: '`api-2`', checkbox: null, fillable: false });
    const token = json.variables.find((v: { name: string }) => v.name === 'DEPLOY_TOKEN');
    expect(token).toMatchObject({ default: null, source: 'knob-table', secret: true });
  });

  it('lists glyph boxes with their kind, marked as an extension, beside GFM tasks', () => {
    const json = JSON.parse(runCli(['list', 'fixtures/glyphs/readiness-review.md', '--json']).stdout);
    expect(json.tasks.map((t: { line: number; kind: string; extension: boolean; box: string; checked: boolean }) => [t.line, t.kind, t.extension, t.box, t.checked])).toEqual([
      [7, 'glyph-item', true, '□', false],
      [8, 'glyph-item', true, '□', false],
      [14, 'glyph-line', true, '□', false],
      [15, 'glyph-line', true, '□', false],
      [16, 'glyph-line', true, '☑', true],
      [19, 'glyph-line', true, '□', false],
      [20, 'glyph-line', true, '□', false],
    ]);
    expect(json.tables[0].rows.map((r: { cells: Array<{ checkbox: string | null }> }) => r.cells[2]!.checkbox)).toEqual(['unchecked', 'unchecked', 'checked']);
    const { stdout } = runCli(['list', 'fixtures/glyphs/readiness-review.md']);
    expect(stdout).toContain('      □ L14 Dashboards show the four golden signals (checklist line)\n');
    expect(stdout).toContain('      ☑ L16 The runbook link is in every alert (checklist line)\n');
    expect(stdout).toContain('      □ L7 An on-call rotation is named in the paging tool\n');
  });

  it('says which column is read as expected and which as measured', () => {
    const { stdout } = runCli(['list', 'fixtures/audit/timeline.md']);
    expect(stdout).toContain('▦ L3 table: 3 rows · columns: Time (UTC), Event, Expected, Measured · 10/12 cells filled · "Measured" read as measured against "Expected" as expected');
    const json = JSON.parse(runCli(['list', 'fixtures/audit/timeline.md', '--json']).stdout);
    expect(json.tables[0]).toMatchObject({ expected: 'Expected', measured: 'Measured' });
    const canary = JSON.parse(runCli(['list', 'fixtures/runbooks/canary-release.md', '--json']).stdout);
    expect(canary.tables[0]).toMatchObject({ expected: null, measured: null });
  });

  it('reports checkbox states and results in JSON', () => {
    const json = JSON.parse(runCli(['list', 'fixtures/parser/containers.md', '--json']).stdout);
    const nested = json.blocks.find((b: { name: string }) => b.name === 'nested-task');
    expect(nested.result).toEqual({ outcome: 'passed', exitCode: 0, durationMs: 50, at: '2026-11-01T10:00:00Z', operator: 'alice', reason: null, on: null });
    expect(nested.task).toBe(json.tasks[0].line);
    const cells = JSON.parse(runCli(['list', 'fixtures/parser/cells.md', '--json']).stdout).tables[0].rows[1].cells;
    expect(cells.map((c: { checkbox: string | null }) => c.checkbox)).toEqual([null, null, null, null, 'unchecked', 'failed']);
    expect(cells.map((c: { fillable: boolean }) => c.fillable)).toEqual([false, true, true, true, false, false]);
  });

  it('masks secret defaults in the variables it reports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-list-'));
    const file = join(dir, 'secret.md');
    writeFileSync(file, '| Env | Default |\n|---|---|\n| `DB_PASSWORD` | `hunter2` |\n');
    const { stdout } = runCli(['list', file, '--json']);
    expect(JSON.parse(stdout).variables[0]).toEqual({ name: 'DB_PASSWORD', default: '••••••', line: 3, source: 'knob-table', secret: true });
    expect(runCli(['list', file]).stdout).toContain('DB_PASSWORD = ••••••');
    expect(runCli(['list', file]).stdout).not.toContain('hunter2');
  });

  it('reports a variable a secret= option names as secret, even one nothing else declares', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-list-'));
    writeFileSync(join(dir, 'opt.md'), '| Variable | Default |\n|---|---|\n| `DBCRED` | `s3cr3t-default` |\n\n```bash { secret=DBCRED }\necho "$DBCRED"\n```\n');
    const { code, stdout } = runCli(['list', 'opt.md', '--json'], { cwd: dir });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).variables).toEqual([{ name: 'DBCRED', default: '••••••', line: 3, source: 'knob-table', secret: true }]);
    const only = join(dir, 'only.md');
    writeFileSync(only, '```bash { secret="SESSION_KEY_ID, ANSWER" }\nANSWER=$(cat answer)\necho "$ANSWER"\n```\n');
    expect(JSON.parse(runCli(['list', only, '--json']).stdout).variables).toEqual([
      { name: 'SESSION_KEY_ID', default: null, line: 1, source: 'block', secret: true },
      { name: 'ANSWER', default: null, line: 1, source: 'block', secret: true },
    ]);
  });

  it('prints a readable outline in document order', () => {
    const { code, stdout } = runCli(['list', 'fixtures/runbooks/game-day-template.md']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Storage tier game day — session template  —  fixtures/runbooks/game-day-template.md');
    const scenarios = lines.findIndex((l) => l.includes('## Scenarios'));
    const table = lines.findIndex((l) => l.includes('table: 5 rows'));
    expect(table).toBeGreaterThan(scenarios);
    expect(lines[table]).toContain('0/5 boxes answered');
    expect(stdout).toContain('[ ] L15 Announced in the team channel at least one week ahead');
    expect(stdout).toContain('TARGET_ENV = staging');
  });

  it('reports an unclosed fence as a problem, not a failure', () => {
    const { code, stdout } = runCli(['list', 'fixtures/parser/unclosed-fence.md']);
    expect(code).toBe(0);
    expect(stdout).toContain('fixtures/parser/unclosed-fence.md:5:1  code fence is never closed');
  });
});

describe('runbook list on bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bad-'));
  const cases: Array<[string, () => string, RegExp]> = [
    ['a missing file', () => join(dir, 'nope.md'), /nope\.md: no such file/],
    ['a directory', () => dir, /is a directory; pass a Markdown file/],
    ['a binary file', () => write('bin.md', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2])), /looks like a binary file/],
    ['invalid UTF-8', () => write('latin1.md', Buffer.from('# Caf\xe9\n', 'latin1')), /not valid UTF-8 \(first bad byte at offset 5\)/],
    ['an empty file', () => write('empty.md', Buffer.alloc(0)), /the file is empty/],
    ['a 50 MB file', () => write('huge.md', Buffer.alloc(50 * 1024 * 1024, 'a\n')), /50\.0 MB is larger than the 6 MB/],
  ];
  function write(name: string, bytes: Buffer): string {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  }
  it.each(cases)('refuses %s with one line and exit 2', (_name, make, message) => {
    const { code, stdout, stderr } = runCli(['list', make()]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 with a hint for an unknown command or a missing argument', () => {
    const unknown = runCli(['lst']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'lst'");
    const missing = runCli(['list']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'file'");
  });

  it('stops quietly when its reader goes away (piped into head)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-pipe-'));
    const file = join(dir, 'long.md');
    // Enough output to fill the pipe after head has exited.
    writeFileSync(file, Array.from({ length: 3000 }, (_, i) => `## Section ${i}\n\n- [ ] step ${i}\n`).join('\n'));
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" list "${file}" | head -n 1; echo "exit=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(result.stderr.trim()).toBe('exit=0');
  });

  it('prints help listing the commands and the version', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/list \[options\] <file>/);
    const version = runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('runbook list: scenario rows', () => {
  it('shows each playable row with its gate, and says why a row cannot run', () => {
    const { code, stdout } = runCli(['list', 'fixtures/parser/scenario-table.md']);
    expect(code).toBe(0);
    expect(stdout).toContain('▶ L9 scenario A — Pipe in code · waits for recovery · gate RTO < 60 s');
    expect(stdout).toContain('▶ L11 scenario C — Double backticks · gate "replica auto-promoted" (not measurable: for the operator)');
    expect(stdout).toContain('▶ L12 scenario D — No code — cannot run: the "Command" cell holds no inline code');
    const json = JSON.parse(runCli(['list', 'fixtures/parser/scenario-table.md', '--json']).stdout);
    expect(json.scenarios.map((s: { id: string }) => s.id)).toEqual(['A', 'B', 'C', 'D', 'F', 'health', 'manual']);
    expect(json.scenarios[0]).toEqual({ id: 'A', name: 'A — Pipe in code', line: 9, section: 'Scenario tables', command: "printf 'a|b' | tr a x", until: 'test -e up', gate: 'RTO < 60 s', gateSeconds: 60, gateOp: '<', problem: null });
  });
});
