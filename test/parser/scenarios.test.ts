import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDurationText, parseGate, parseRunbook } from '../../src/parser/index.js';
import { blankFrontMatter, cmarkCellCode, haveCmark, trimEmpty } from '../support/cmark.js';

const text = readFileSync('fixtures/parser/scenario-table.md', 'utf8');
const model = parseRunbook(text);

describe('scenario rows', () => {
  it('reads the code spans of table cells exactly as GitHub renders them', () => {
    expect(haveCmark()).toBe(true);
    for (const file of ['fixtures/parser/scenario-table.md', 'fixtures/parser/escaped-pipes.md', 'docs/runbooks/game-day.md', 'fixtures/runbooks/game-day-template.md', 'fixtures/runbooks/chaos-experiments.md']) {
      const source = readFileSync(file, 'utf8');
      const parsed = parseRunbook(source);
      const oracle = cmarkCellCode(parsed.frontMatter ? blankFrontMatter(source, parsed.frontMatter.span.end) : source);
      const ours = parsed.tables.map((t) => [t.headerRow, ...t.rows].map((r) => trimEmpty(r.cells.map((c) => c.code))));
      expect(ours, file).toEqual(oracle);
    }
  });

  it('makes a step of every row whose command cell is not blank, with its check and gate', () => {
    const byId = Object.fromEntries(model.scenarios.map((s) => [s.id, s]));
    expect(model.scenarios.map((s) => s.id)).toEqual(['A', 'B', 'C', 'D', 'F', 'health', 'manual']);
    expect(byId.A).toMatchObject({ command: "printf 'a|b' | tr a x", until: 'test -e up', gateText: 'RTO < 60 s', gate: { op: '<', seconds: 60 }, name: 'A — Pipe in code', problem: null });
    expect(byId.B).toMatchObject({ command: 'echo one\necho two', gate: { op: '<=', seconds: 120 } });
    expect(byId.C).toMatchObject({ command: 'echo `date` ', gateText: 'replica auto-promoted', gate: null });
    expect(byId.D!.command).toBeNull();
    expect(byId.D!.problem).toContain('"Command" cell holds no inline code');
    expect(byId.F).toMatchObject({ command: 'echo emphasised', gate: { op: '<=', seconds: 5 } });
    const table = model.tables[byId.A!.table]!;
    const col = byId.A!.columns;
    expect([col.command, col.until, col.gate, col.started, col.measured, col.box, col.outcome].map((i) => table.header[i])).toEqual(['Command', 'Recovered when', 'Gate', 'Started', 'Measured', 'Pass', 'Outcome']);
  });

  it('leaves a checklist alone and takes a column named in front matter', () => {
    const checklist = model.tables.find((t) => t.header.includes('Category'))!;
    expect(model.scenarios.some((s) => s.table === checklist.index)).toBe(false);
    const health = model.scenarios.find((s) => s.id === 'health')!;
    expect(health).toMatchObject({ command: 'curl -fsS http://127.0.0.1:8080/health', gate: { op: '<', seconds: 1 } });
    expect(model.scenarios.find((s) => s.id === 'manual')!.problem).toContain('"Probe" cell');
  });

  it('reads gates in the forms operators write them', () => {
    const cases: Array<[string, string, number] | [string, null]> = [
      ['RTO < 60 s, replica auto-promoted', '<', 60],
      ['LB marks DOWN < 30 s', '<', 30],
      ['≤ 2 min', '<=', 120],
      ['under 500ms', '<', 0.5],
      ['within 1.5 min', '<=', 90],
      ['stays up > 5 min', '>', 300],
      ['at least 10 s', '>=', 10],
      ['no more than 1 h', '<=', 3600],
      ['Reads succeed, self-heal completes', null],
      ['No 5xx', null],
      // An operator word inside another word is no operator.
      ['Failover 30 s', null],
      ['Handover 2 min', null],
      ['recovered in 30 s', null],
      // A negated bound is the opposite bound: "no run over 30 s" asks for 30 s at most.
      ['No 5xx run > 30 s', '<=', 30],
      ['not more than 30 s', '<=', 30],
      ['never above 60 s', '<=', 60],
      ['not under 10 s', '>=', 10],
      ['latency never < 2 s', '>=', 2],
      // …only in its own clause.
      ['No data loss, RTO < 60 s', '<', 60],
      ['no page; failover under 2 min', '<', 120],
      // The bound is read as every duration is: in parts, glued, with a decimal comma, as a clock.
      ['< 2 min 30 s', '<', 150],
      ['RTO < 1h30m', '<', 5400],
      ['< 1,5 min', '<', 90],
      ['within 4m30s', '<=', 270],
      ['< 2:30', '<', 150],
      // A number with no unit bounds nothing; the next operator may.
      ['< 5 retries, < 30 s', '<', 30],
    ];
    for (const [written, op, seconds] of cases) {
      const gate = parseGate(written);
      if (op === null) expect(gate, written).toBeNull();
      else expect(gate, written).toMatchObject({ op, seconds });
    }
  });
});

describe('measured durations', () => {
  it.each([
    ['42 s', 42],
    ['1.5 min', 90],
    ['850ms', 0.85],
    ['12', 12],
    ['✅ 1.46 s', 1.46],
    ['3 min (manual)', 180],
    // Compound durations add up; reading only the first part would pass "1h 5m" under "< 62 min".
    ['4m 30s', 270],
    ['4m30s', 270],
    ['1 h 5 min', 3900],
    ['2m, 10s', 130],
    ['1h and 5m', 3900],
    // Clock-style: minutes and seconds, or hours, minutes and seconds.
    ['2:30', 150],
    ['1:02:30', 3750],
  ])('reads %j as %d s', (text, seconds) => {
    expect(parseDurationText(text)).toBeCloseTo(seconds, 6);
  });

  it('reads nothing where no number is', () => {
    expect(parseDurationText('recovered by hand')).toBeNull();
  });
});

describe('scenario columns', () => {
  it('reads a Check column as the recovery check when another column is the command', () => {
    const model = parseRunbook('| ID | Inject | Check | Gate |\n|---|---|---|---|\n| A | `kill 1` | `curl -fsS localhost` | < 5 s |\n');
    expect(model.scenarios[0]).toMatchObject({ command: 'kill 1', until: 'curl -fsS localhost' });
    const alone = parseRunbook('| ID | Check | Gate |\n|---|---|---|\n| A | `curl -fsS localhost` | < 5 s |\n');
    expect(alone.scenarios[0]).toMatchObject({ command: 'curl -fsS localhost', until: null });
  });
});

describe('tables that are not scenarios', () => {
  it('never makes steps of a cheat sheet: commands with nothing to measure or record', () => {
    const cheat = parseRunbook('| Purpose | Command |\n|---|---|\n| Drop the cache | `redis-cli FLUSHALL` |\n| Delete a pod | `kubectl delete pod api-0` |\n');
    expect(cheat.scenarios).toEqual([]);
    const marked = parseRunbook('---\ncolumns:\n  command: Command\n---\n| Purpose | Command |\n|---|---|\n| Warm up | `true` |\n');
    expect(marked.scenarios.map((s) => s.command)).toEqual(['true']);
  });
});

describe('checkbox columns', () => {
  it('take a column of boxes as the pass box, never as a time or outcome to fill', () => {
    const model = parseRunbook('| ID | Inject | Gate | Recovered | Status |\n|---|---|---|---|---|\n| A | `true` | < 5 s | ⬜ | [ ] |\n');
    const columns = model.scenarios[0]!.columns;
    expect(columns.box).toBe(3);
    expect(columns.recovered).toBe(-1);
    expect(columns.outcome).toBe(-1);
  });
});

describe('scenario names', () => {
  it('come from the leading cells that play no part; a row led by its command goes by number', () => {
    const model = parseRunbook('| Command | Gate | Measured |\n|---|---|---|\n| `curl -fsS localhost` | < 5 s | |\n| `true` | < 1 s | |\n');
    expect(model.scenarios.map((s) => [s.id, s.name])).toEqual([['1', 'row 1'], ['2', 'row 2']]);
  });
});
