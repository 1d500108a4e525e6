import { cellAnchor, type Anchor } from '../document/anchors.js';
import type { Change } from '../document/document.js';
import { formatTime } from '../document/time.js';
import { cellProse, formatSeconds, type BlockResult, type Runbook, type Scenario } from '../parser/index.js';

/** What a scenario row came to. */
export interface ScenarioRecord {
  index: number;
  id: string;
  name: string;
  line: number;
  /** `needs judgment`: it ran, but its gate is not in words the engine can compare. */
  outcome: BlockResult['outcome'] | 'needs judgment';
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Time to the first passing recovery check, else the command's own run time; null when not measured. */
  measuredMs: number | null;
  /** The gate cell as written, or null. */
  gate: string | null;
  /** The part of it that was compared (`< 60 s`), or null when none could be read. */
  gateRule: string | null;
  /** Whether the measured value meets the gate; null when either is missing. */
  gateMet: boolean | null;
  reason: string | null;
  startedAt: string;
  recoveredAt?: string;
  tail: string;
  /** What the row kept as evidence: the text for its Evidence cell, and one line per piece. */
  evidence?: { column: number; text: string; lines: string[] };
}

/** What a measured or recovered-at cell says when the scenario ended without recovering: not applicable. */
const NOT_MEASURED = '—';

/** Notes-like columns that take the outcome when the table has no outcome column (only when empty). */
const NOTES = /^(?:notes?|observations?|observed|comments?|gaps? found|gaps?)$/i;

/** The outcome of a scenario in the words its row shows: one line, whatever the reason holds. */
export function scenarioOutcomeText(record: ScenarioRecord): string {
  return outcomeWords(record).replace(/\s*[\r\n]+\s*/g, '; ');
}

/**
 * The outcome as its cell holds it: a failed command's reason (often its output, text runbook
 * did not write) escaped as a result line's is, so `<b>`, `*x*` or `[y]` in it render as written.
 */
function outcomeCellText(record: ScenarioRecord): string {
  return outcomeWords(record, (reason) => cellProse(reason.replace(/\s*[\r\n]+\s*/g, '; ')));
}

/** Whether `scenarioOutcomeText` already holds the record's reason, so that nothing repeats it. */
export function outcomeGivesReason(record: ScenarioRecord): boolean {
  return record.outcome === 'skipped' || (record.outcome === 'failed' && record.gateMet !== false);
}

function outcomeWords(record: ScenarioRecord, said: (reason: string) => string = (reason) => reason): string {
  const measured = record.measuredMs === null ? '' : formatSeconds(record.measuredMs);
  switch (record.outcome) {
    case 'passed':
      return record.gateRule && record.gateMet ? `✅ passed: ${measured} meets ${record.gateRule}` : `✅ passed in ${measured}`;
    case 'needs judgment':
      return `⚠️ measured ${measured}; gate not checked: judge it`;
    case 'skipped':
      return `⚠️ not run: ${record.reason ?? 'skipped'}`;
    case 'canceled':
      return `⚠️ canceled after ${formatSeconds(record.durationMs)}`;
    case 'timed out':
      return `❌ timed out after ${formatSeconds(record.durationMs)}`;
    case 'failed':
      return record.gateMet === false ? `❌ failed: ${measured} breaks ${record.gateRule}` : `❌ failed: ${record.reason ? said(record.reason) : 'the command failed'}`;
  }
}

/**
 * The changes that write a scenario's record into its row: times, measured duration, outcome
 * text, and the pass box (ticked, or ❌ when it failed; left alone otherwise).
 */
export function rowChanges(model: Runbook, scenario: Scenario, record: ScenarioRecord, mask: (text: string) => string): Change[] {
  const row = model.tables[scenario.table]!.rows[scenario.row]!;
  const columns = scenario.columns;
  const changes: Change[] = [];
  const filled = new Set<number>();
  const fill = (column: number, value: string) => {
    // A checkbox is ticked, never overwritten with text; a column given two roles is filled once.
    if (column === -1 || row.cells[column]!.kind === 'checkbox' || filled.has(column)) return;
    filled.add(column);
    changes.push({ kind: 'fill', anchor: cellAnchor(model, scenario.table, scenario.row, column) as Anchor & { kind: 'cell' }, value: mask(value) });
  };
  if (record.outcome !== 'skipped') fill(columns.started, record.startedAt);
  if (record.outcome !== 'skipped' && record.outcome !== 'canceled') fill(columns.finished, formatTime(new Date(Date.parse(record.startedAt) + record.durationMs)));
  // A scenario that ran to its end without recovering gets a deliberate "nothing to measure"
  // (NOT_MEASURED), which audit reads as an answer; a canceled one is left for the next attempt.
  const ended = record.outcome !== 'skipped' && record.outcome !== 'canceled';
  if (record.recoveredAt) fill(columns.recovered, record.recoveredAt);
  else if (ended && record.measuredMs === null) fill(columns.recovered, NOT_MEASURED);
  // Only a measured value goes in the measured cell; a value from an earlier attempt is cleared.
  // A row the session did not run (a manual one, say) keeps what the operator wrote in it.
  const skipped = record.outcome === 'skipped';
  if (columns.measured !== -1) {
    if (record.measuredMs !== null) fill(columns.measured, formatSeconds(record.measuredMs));
    else if (ended) fill(columns.measured, NOT_MEASURED);
    else if (row.cells[columns.measured]!.kind === 'text' && !skipped) fill(columns.measured, '');
  }
  const outcomeAt = columns.outcome !== -1 ? columns.outcome : row.cells.findIndex((c, i) => NOTES.test(model.tables[scenario.table]!.header[i]!.trim()) && c.kind === 'fillable');
  if (!skipped || row.cells[outcomeAt]?.kind !== 'text') fill(outcomeAt, outcomeCellText(record));
  if (record.evidence) fill(record.evidence.column, record.evidence.text);
  const box = columns.box === -1 ? null : row.cells[columns.box]!;
  if (box?.kind === 'checkbox') {
    const state = record.outcome === 'passed' ? 'checked' : record.outcome === 'failed' || record.outcome === 'timed out' ? 'failed' : null;
    if (state) changes.push({ kind: 'checkbox', anchor: cellAnchor(model, scenario.table, scenario.row, columns.box) as Anchor & { kind: 'cell' }, state });
  }
  return changes;
}
