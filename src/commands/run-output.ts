import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { conflictText } from '../document/conflict.js';
import { UserError } from '../errors.js';
import type { StepEvent } from '../session/poll.js';
import { printable, println, type Io } from '../io.js';
import { formatSeconds, type Block, type Scenario } from '../parser/index.js';
import { resolvedCode, usedVariables } from '../session/display.js';
import { HostPrefixer, hostsLine } from '../session/fanout.js';
import { targetText } from '../session/inventory.js';
import { scenarioLine, type Session, type StepReport } from '../session/engine.js';
import { problemLines, shown, type Prepared } from '../session/prepare.js';
import { blockCase, junitXml, scenarioCase, scenarioTable, type JunitCase, type RunReport } from '../session/reports.js';
import { stepLine, stepName, type RunStep } from '../session/steps.js';
import { actionsLog } from './actions-log.js';

/** `run`'s face: prints each step's title, output and outcome, the summary, and the report files. */
export function textReporter(io: Io, file: string, total: { main: number; rollback: number }) {
  const log = actionsLog(io.env, io.stdout);
  let endedLine = true;
  const n = { main: 0, rollback: 0 };
  const prefix = new HostPrefixer();
  return {
    /** Prints a step's output as it comes; a host's lines start with its name. */
    output(event: StepEvent): void {
      if (event.type !== 'output' || !event.text) return;
      (event.stream === 'stdout' ? io.stdout : io.stderr).write(event.host ? prefix.push(event.host, event.text) : event.text);
      endedLine = event.text.endsWith('\n');
    },
    start(step: RunStep): void {
      const gate = step.kind === 'scenario' && step.scenario.gateText ? ` · gate ${step.scenario.gateText}` : '';
      const name = step.kind === 'block' ? stepName(step) : `${stepName(step)}: ${step.scenario.name}`;
      // Rollback steps run only after a failure: they are counted apart from the main path.
      const path = step.rollback && n.main >= total.main ? 'rollback' : 'main';
      log.start(`▶ ${path === 'rollback' ? 'rollback ' : ''}${name} — line ${stepLine(step)}${gate} (${++n[path]}/${total[path]})`);
      endedLine = true;
    },
    end(report: StepReport): void {
      log.end(endedLine);
      println(io.stdout, outcomeLine(report));
      for (const line of report.evidence) println(io.stdout, `  ${line}`);
      if (report.failed) log.error(file, stepLine(report.step), `${stepName(report.step)} ${outcomeLine(report).slice(2)}`);
    },
  };
}

/** How a step ended, in one line: `✘ failed (exit 1) in 0.20 s · set X · cwd /srv · curl: (7) …`. */
function outcomeLine(report: StepReport): string {
  if (report.scenario) {
    const r = report.scenario;
    const mark = r.outcome === 'passed' ? '✔' : report.failed ? '✘' : '?';
    return `${mark} ${scenarioLine(r)}`;
  }
  if (!report.block) return `↷ skipped: ${report.reason ?? ''}`;
  const r = report.block;
  const exit = r.outcome === 'passed' ? '' : r.exitCode !== null ? ` (exit ${r.exitCode})` : r.signal ? ` (${r.signal})` : '';
  const changed = `${r.recoveredMs !== null ? ` · recovered in ${formatSeconds(r.recoveredMs)}` : ''}${varsChanged(r.changedVars, r.unsetVars ?? [])}`;
  const left = r.left.length ? ` · left running: ${r.left.map((p) => `${p.pid} ${p.command}`).join(', ')}` : '';
  // On other hosts: `✅ passed on 3/3 hosts`, `❌ failed on db-2 (1 of 3): <reason>`.
  if (r.on) return `${hostsLine(r)} · ${formatSeconds(r.durationMs)}${changed}`;
  return `${r.outcome === 'passed' ? '✔' : '✘'} ${r.outcome}${exit} in ${formatSeconds(r.durationMs)}${changed} · cwd ${r.cwd}${r.reason ? ` · ${printable(r.reason)}` : ''}${left}`;
}

/** Prints the end of a run: the scenario table, the counts, and writes `--report`/`--junit`. */
export function finishRun(io: Io, session: Session, options: { report?: string; junit?: string; startedAt: string }): void {
  const { file } = session.prepared;
  const reports = session.reports();
  const scenarios = reports.flatMap((r) => (r.scenario ? [r.scenario] : []));
  const blocks = reports.flatMap((r) => (r.block ? [r.block] : []));
  if (scenarios.length) println(io.stdout, `\n${scenarioTable(scenarios)}`);
  const ran = new Set(reports.map((r) => r.step));
  const notRun = session.steps.filter((s) => !ran.has(s));
  const skipped = reports.filter((r) => r.outcome === 'skipped' && !r.scenario);
  const passed = reports.filter((r) => r.outcome === 'passed').length;
  const failed = reports.filter((r) => r.failed).length;
  const judged = reports.filter((r) => r.scenario && !r.failed && r.outcome !== 'passed').length;
  if (options.report) {
    const json: RunReport = { file, startedAt: options.startedAt, finishedAt: new Date().toISOString(), operator: session.player.operator, outcome: session.outcome(), blocks: blocks.map(({ tail: _t, ...rest }) => rest), scenarios: scenarios.map(({ tail: _t, ...rest }) => rest) };
    writeOutput(resolve(io.cwd, options.report), '--report', `${JSON.stringify(json, null, 2)}\n`);
  }
  if (options.junit) {
    const cases: JunitCase[] = [
      ...blocks.map((r) => blockCase(r)),
      ...scenarios.map((r) => scenarioCase(r)),
      ...skipped.map((r) => ({ name: `${stepName(r.step)} (line ${stepLine(r.step)})`, durationMs: 0, skipped: r.reason ?? 'skipped' })),
      ...notRun.map((s) => ({ name: `${stepName(s)} (line ${stepLine(s)})`, durationMs: 0, skipped: 'not run: an earlier step failed or the run was stopped' })),
    ];
    writeOutput(resolve(io.cwd, options.junit), '--junit', junitXml(file, cases));
  }
  for (const conflict of session.prepared.doc.conflicts) {
    println(io.stderr, `runbook: ${conflictText(conflict)}`);
  }
  println(io.stdout, `\n${passed} passed, ${failed} failed${judged ? `, ${judged} for the operator to judge` : ''}${skipped.length ? `, ${skipped.length} skipped` : ''}${notRun.length ? `, ${notRun.length} not run` : ''} — ${file}`);
}

function writeOutput(path: string, flag: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new UserError(`${flag} ${path}: cannot write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the run itself is recorded in the runbook and its journal`);
  }
}

/** `run --dry-run`: every step with its variables resolved (secrets masked), the rollback path apart, and what would stop a real run. */
export function printPlan(io: Io, prepared: Prepared, mask: (text: string) => string): void {
  if (prepared.nothing) {
    println(io.stdout, prepared.nothing);
    return;
  }
  const print = (step: RunStep) => (step.kind === 'block' ? printBlock(io, prepared, step.block) : printScenario(io, step.scenario, mask));
  prepared.steps.forEach(print);
  const rollback = prepared.rollback.filter((s) => !prepared.steps.includes(s));
  if (rollback.length) {
    println(io.stdout, `\nrollback (runs only after a failure, with --on-failure rollback):`);
    rollback.forEach(print);
  }
  if (!prepared.notes.length) return;
  println(io.stdout, '\nbefore this can run:');
  for (const line of problemLines(prepared.file, prepared.notes)) println(io.stdout, `  ${line}`);
}

function printBlock(io: Io, prepared: Prepared, block: Block): void {
  const values = prepared.variables.values;
  const show = (name: string, value: string) => shown(prepared, name, value);
  const timeoutMs = block.timeoutMs ?? prepared.timeoutMs;
  const hosts = prepared.targets.get(block.index);
  const on = targetText(block, hosts ?? null);
  const bits = [`block ${block.index + 1}`, block.name, `line ${block.line}`, block.lang, on, timeoutMs === null ? null : `timeout ${formatSeconds(timeoutMs)}`, block.confirm === null ? null : `confirm "${block.confirm}"`, block.rollback ? 'rollback' : null].filter(Boolean);
  println(io.stdout, `── ${bits.join(' · ')}`);
  const used = usedVariables(block, values, show);
  if (used.length) println(io.stdout, `   with ${used.join('  ')}`);
  for (const line of resolvedCode(block, values, show).split('\n')) println(io.stdout, `   ${line}`);
}

function printScenario(io: Io, scenario: Scenario, mask: (text: string) => string): void {
  const bits = [`scenario ${scenario.id}`, scenario.name, `line ${scenario.line}`, scenario.gateText ? `gate ${scenario.gateText}${scenario.gate ? '' : ' (not measurable: for the operator)'}` : null].filter(Boolean);
  println(io.stdout, `── ${bits.join(' · ')}`);
  if (scenario.command === null) println(io.stdout, `   not runnable: ${scenario.problem}`);
  else for (const line of mask(scenario.command).split('\n')) println(io.stdout, `   ${line}`);
  if (scenario.until) println(io.stdout, `   until ${mask(scenario.until)}`);
}

/** ` · set A, B · unset C`: what a step did to the session's variables, or nothing. */
function varsChanged(changed: string[], unset: string[]): string {
  const set = changed.filter((name) => !unset.includes(name));
  return `${set.length ? ` · set ${set.join(', ')}` : ''}${unset.length ? ` · unset ${unset.join(', ')}` : ''}`;
}
