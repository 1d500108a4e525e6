import { formatSeconds } from '../parser/index.js';
import type { BlockRecord } from './player.js';
import { scenarioOutcomeText, type ScenarioRecord } from './scenario.js';

/** The `--report` JSON of a run. */
export interface RunReport {
  file: string;
  startedAt: string;
  finishedAt: string;
  operator: string;
  outcome: 'passed' | 'failed' | 'canceled' | 'incomplete';
  blocks: Array<Omit<BlockRecord, 'tail'> & { skipped?: boolean }>;
  scenarios: Array<Omit<ScenarioRecord, 'tail'>>;
}

/** One JUnit test case: a failure or a skip message, or neither when it passed. */
export interface JunitCase {
  name: string;
  durationMs: number;
  failure?: { message: string; detail: string };
  skipped?: string;
}

const xml = (s: string) =>
  s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A block as a test case. */
export function blockCase(r: BlockRecord): JunitCase {
  const name = `${r.name ?? `block ${r.index + 1}`} (line ${r.line})`;
  if (r.outcome === 'passed') return { name, durationMs: r.durationMs };
  const message = `${r.outcome}${r.exitCode !== null ? ` with exit code ${r.exitCode}` : ''}${r.signal ? ` (${r.signal})` : ''}${r.reason ? `: ${r.reason}` : ''}`;
  return { name, durationMs: r.durationMs, failure: { message, detail: r.tail } };
}

/** A scenario as a test case: a failed gate fails it; one left for the operator to judge is skipped. */
export function scenarioCase(r: ScenarioRecord): JunitCase {
  const name = `scenario ${r.id}: ${r.name} (line ${r.line})`;
  if (r.outcome === 'passed') return { name, durationMs: r.durationMs };
  if (r.outcome === 'needs judgment' || r.outcome === 'skipped') return { name, durationMs: r.durationMs, skipped: scenarioOutcomeText(r) };
  return { name, durationMs: r.durationMs, failure: { message: scenarioOutcomeText(r), detail: r.tail } };
}

/** JUnit XML with one test case per block or scenario, as CI systems read it. */
export function junitXml(file: string, cases: JunitCase[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = cases.reduce((sum, c) => sum + c.durationMs, 0);
  const body = cases.map((c) => {
    const inner = c.failure
      ? `\n      <failure message="${xml(c.failure.message)}">${xml(c.failure.detail)}</failure>\n    `
      : c.skipped !== undefined
        ? `\n      <skipped message="${xml(c.skipped)}"/>\n    `
        : '';
    return `    <testcase classname="${xml(file)}" name="${xml(c.name)}" time="${seconds(c.durationMs)}">${inner}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${cases.length}" failures="${failures}" time="${seconds(total)}">`,
    `  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${seconds(total)}">`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** The end-of-session table of scenarios: gate, measured value, outcome. */
export function scenarioTable(records: ScenarioRecord[]): string {
  const rows = [
    ['scenario', 'gate', 'measured', 'outcome'],
    ...records.map((r) => [r.name, r.gate ?? '—', r.measuredMs === null ? '—' : formatSeconds(r.measuredMs), r.outcome]),
  ];
  const widths = rows[0]!.map((_, i) => Math.min(40, Math.max(...rows.map((row) => [...row[i]!].length))));
  const cut = (s: string, w: number) => ([...s].length > w ? `${[...s].slice(0, w - 1).join('')}…` : s);
  return rows.map((row, n) => {
    const line = row.map((cell, i) => cut(cell, widths[i]!).padEnd(widths[i]!)).join('  ').trimEnd();
    return n === 0 ? `${line}\n${widths.map((w) => '─'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}
