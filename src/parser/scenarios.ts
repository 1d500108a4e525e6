import { parseGate, type Gate } from './gates.js';
import type { FrontMatter, Scenario, ScenarioColumns, Table } from './types.js';

/** Columns whose inline code is a command to run: the scenario's injection or smoke test. */
const COMMAND_COLUMN = /^(?:command|cmd|run|smoke test|smoke|check|inject|injection|script|action|test)s?$/;
/** Columns stating the acceptance gate. */
export const GATE_COLUMN = /gate|target|acceptance|slo|threshold|goal|expected|criteri|\bbar\b/;
/**
 * Columns whose inline code is the check to poll until the system has recovered. (`Check` is
 * the command column when no other column is, else the recovery check.)
 */
const UNTIL_COLUMN = /^(?:until|wait until|wait for|recovered when|healthy when|recovery check|health ?check|probe|check|verify|verification)$/;
/** Columns the engine fills with the step's start time; the end time; the recovery time. */
// A time column may name its zone: `Time (UTC)`, `Started (CET)`, `At (+01:00)`.
export const TIME_COLUMN = /^(?:start(?:ed)?|started at|time|timestamp|at|when|finished|ended|end(?:ed)?( at)?|t0|detected|recovered|(?:detected|resolved|mitigated|acknowledged|acked|declared|paged|notified|recovered) at)(?: \((?:[a-z]{2,5}|[+-]\d\d:?\d\d)\))?$/i;
const START_COLUMN = /^(?:start(?:ed)?|started at|time|timestamp|at|when|t0)(?: \(utc\))?$/;
const END_COLUMN = /^(?:finished|ended|end(?:ed)?( at)?)(?: \(utc\))?$/;
const RECOVERED_COLUMN = /^(?:recovered|recovered at)(?: \(utc\))?$/;
/** Columns the engine fills with a measured duration. */
export const DURATION_COLUMN = /^(?:duration|took|elapsed|rto|measured|measured rto|time to recover|recovery time|actual|observed rto)(?: \(s\))?$/i;
/** Columns for the step's outcome in words. */
const OUTCOME_COLUMN = /^(?:outcome|result|status|verdict|pass\/fail)$/;
/** Checkbox columns that answer "did it work?". */
const PASS_COLUMN = /auto[- ]?recover|^(?:pass(?:ed)?|ok|green|met|gate met|success|recovered|works?)\??$/;

const clean = (text: string) => text.replace(/[`*_]/g, '').trim().toLowerCase();

/** Column headers named in front matter (`columns: { command: Probe }`), lower-cased. */
function marked(frontMatter: FrontMatter | null): Partial<Record<keyof ScenarioColumns, string>> {
  const columns = frontMatter?.data.columns;
  if (!columns || typeof columns !== 'object' || Array.isArray(columns)) return {};
  const out: Partial<Record<keyof ScenarioColumns, string>> = {};
  for (const [key, value] of Object.entries(columns as Record<string, unknown>)) {
    if (typeof value === 'string') out[key as keyof ScenarioColumns] = value.trim().toLowerCase();
  }
  return out;
}

/**
 * The roles of a table's columns when it is a scenario table, else null: a command-like column
 * holding inline code in at least one row and a column for a gate, a recovery check or a record
 * (a time, a measurement, an outcome, a pass box) — or a command column named in front matter.
 */
export function scenarioColumns(table: Table, frontMatter: FrontMatter | null = null): ScenarioColumns | null {
  const names = table.header.map(clean);
  const marks = marked(frontMatter);
  // A header named in front matter takes the role in every table that has it; others go by name.
  const find = (role: keyof ScenarioColumns, pattern: RegExp, skip: number[] = []) => {
    const mark = marks[role];
    if (mark !== undefined && names.includes(mark)) return names.indexOf(mark);
    return names.findIndex((h, i) => !skip.includes(i) && pattern.test(h));
  };
  const command = find('command', COMMAND_COLUMN);
  if (command === -1) return null;
  const markedCommand = marks.command !== undefined && names[command] === marks.command;
  if (!markedCommand && !table.rows.some((row) => row.cells[command]!.code.length > 0)) return null;
  const until = find('until', UNTIL_COLUMN, [command]);
  const gate = find('gate', GATE_COLUMN, [command, until]);
  // The pass box first: a column of checkboxes (`Recovered?`) is never filled with a time.
  const boxes = names.map((_, i) => table.rows.some((row) => row.cells[i]!.kind === 'checkbox'));
  const box = find('box', PASS_COLUMN, [command, until, gate, ...names.flatMap((_, i) => (boxes[i] ? [] : [i]))]);
  const taken = [command, until, gate, box, ...names.flatMap((_, i) => (boxes[i] ? [i] : []))];
  const roles: ScenarioColumns = {
    command,
    until,
    gate,
    started: find('started', START_COLUMN, taken),
    finished: find('finished', END_COLUMN, taken),
    recovered: find('recovered', RECOVERED_COLUMN, taken),
    measured: find('measured', DURATION_COLUMN, taken),
    outcome: find('outcome', OUTCOME_COLUMN, taken),
    box,
  };
  // A table of commands and nothing to measure or record is a reference (a cheat sheet), not
  // scenarios to run one after another.
  const records = [roles.until, roles.gate, roles.started, roles.finished, roles.recovered, roles.measured, roles.outcome, roles.box].some((i) => i !== -1);
  return records || markedCommand ? roles : null;
}

/** A cell that holds nothing to act on: empty, a placeholder, or "does not apply". */
const blank = (kind: string) => kind === 'fillable' || kind === 'na';

/**
 * Column roles by table. A table outside the part of a document an edit re-parsed is the same
 * object afterwards, with the same header and cells (front matter changes re-parse everything),
 * so its roles are not worked out again on every tick.
 */
const known = new WeakMap<Table, ScenarioColumns | null>();

/** The scenarios of every scenario table: one per row whose command cell is not blank. */
export function scenarios(tables: Table[], frontMatter: FrontMatter | null): Scenario[] {
  const found: Scenario[] = [];
  for (const table of tables) {
    let columns = known.get(table);
    if (columns === undefined) known.set(table, (columns = scenarioColumns(table, frontMatter)));
    if (!columns) continue;
    const header = table.header[columns.command]!;
    table.rows.forEach((row, r) => {
      const cell = row.cells[columns.command]!;
      if (blank(cell.kind) && !cell.code.length) return;
      const command = cell.code.length ? cell.code.join('\n') : null;
      const untilCell = columns.until === -1 ? null : row.cells[columns.until]!;
      const gateCell = columns.gate === -1 ? null : row.cells[columns.gate]!;
      const gateText = gateCell && !blank(gateCell.kind) ? gateCell.text : null;
      const gate: Gate | null = gateText === null ? null : parseGate(gateText);
      // The leading cells that play no part (ID, scenario name) name the row.
      const roles = new Set(Object.values(columns));
      const labels = row.cells.filter((c, i) => !roles.has(i) && i < Math.max(columns.command, 2) && c.kind === 'text').map((c) => c.text);
      found.push({
        index: found.length,
        table: table.index,
        row: r,
        line: row.line,
        id: roles.has(0) ? String(r + 1) : row.cells[0]!.text,
        name: (labels.length ? labels : [`row ${r + 1}`]).join(' — '),
        command,
        problem: command === null ? `the "${header}" cell holds no inline code to run (write the command as \`code\`)` : null,
        until: untilCell?.code.length ? untilCell.code.join('\n') : null,
        gateText,
        gate,
        columns,
        section: table.section,
      });
    });
  }
  return found;
}

/** Columns holding what a person or the engine measured, against a gate column. */
const MEASURED_COLUMN = /measured|actual|observed|rto|took|duration|elapsed|recovery time|result/i;

/**
 * The column read as the expected value (the gate) and the one read as what was measured: a
 * scenario table's own, else the first that read like them; -1 where there is none.
 */
export function gateColumns(table: Table, frontMatter: FrontMatter | null = null): { gate: number; measured: number } {
  const roles = scenarioColumns(table, frontMatter);
  if (roles && roles.gate !== -1 && roles.measured !== -1) return { gate: roles.gate, measured: roles.measured };
  const names = table.header.map((h) => h.toLowerCase());
  const gate = names.findIndex((h) => GATE_COLUMN.test(h));
  return { gate, measured: names.findIndex((h, i) => i !== gate && MEASURED_COLUMN.test(h) && !GATE_COLUMN.test(h)) };
}
