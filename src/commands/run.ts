import { statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Document } from '../document/document.js';
import { readState } from '../executor/state.js';
import { onPath } from '../executor/which.js';
import { EXIT, UserError } from '../errors.js';
import { println, type Io } from '../io.js';
import { redact } from '../executor/redact.js';
import type { ExecEvent } from '../executor/types.js';
import { findPlaceholders, formatSeconds, type Block, type Scenario } from '../parser/index.js';
import { parseDuration } from '../session/duration.js';
import { scenarioPolling } from '../session/poll.js';
import { resolvedCode, usedVariables } from '../session/display.js';
import { statePath } from '../session/journal.js';
import { Player, type BlockRecord } from '../session/player.js';
import { scenarioOutcomeText, type ScenarioRecord } from '../session/scenario.js';
import { blockCase, junitXml, scenarioCase, scenarioTable, type JunitCase, type RunReport } from '../session/reports.js';
import { scenarioMissing } from '../session/variables.js';
import { operatorName } from '../session/template.js';
import { describeCount, pick, resumePoint, runSteps, stepName, type RunStep } from './run-steps.js';
import { actionsLog } from './actions-log.js';
import { refuseUnclosed, requireBash, sessionStart, setup, stopOnHangup } from './setup.js';

declare const __VERSION__: string;

export interface RunOptions {
  yes?: boolean;
  keepGoing?: boolean;
  only?: string[];
  from?: string;
  dryRun?: boolean;
  report?: string;
  junit?: string;
  timeout?: string;
  set?: string[];
  confirm?: string[];
  resume?: boolean;
  cwd?: string;
}

/** `runbook run FILE`: runs the runnable blocks and scenario rows in order, headless, for CI and scripts. */
export async function runCommand(file: string, options: RunOptions, io: Io): Promise<number> {
  const defaultTimeout = options.timeout ? duration(options.timeout, '--timeout') : null;
  const doc = Document.open(file, options.dryRun ? {} : { lock: 'runbook run' });
  let player: Player | null = null;
  try {
    const model = doc.model;
    const all = runSteps(model);
    if (all.length === 0) {
      // A run that runs nothing is almost always a runbook written in another language, or a
      // checklist meant for `play`: say so instead of reporting "0 passed".
      const others = model.blocks.filter((b) => !b.runnable).length;
      const why = `${file} has nothing to run: no fenced block in bash, sh, shell or zsh and no scenario table${others ? ` (${others} other block${others === 1 ? '' : 's'}: another language, a transcript or marked to skip)` : ''}`;
      if (options.dryRun) {
        println(io.stdout, why);
        return EXIT.ok;
      }
      throw new UserError(`${why}; \`runbook play\` steps through its tasks`);
    }
    let selected = all;
    if (options.only?.length) {
      const keys = options.only.flatMap((k) => k.split(','));
      const chosen = new Set(keys.map((k) => pick(all, k, '--only')));
      selected = all.filter((s) => chosen.has(s));
    }
    if (options.from) {
      const from = pick(all, options.from, '--from');
      selected = selected.filter((s) => s.offset >= from.offset);
    }
    let restore = undefined;
    let resumeOf: string | null = null;
    if (options.resume) {
      const resumed = resumePoint(file, doc, selected);
      selected = resumed.rest;
      resumeOf = resumed.session;
      restore = readState(statePath(file)) ?? undefined;
      println(io.stdout, `resuming ${resumed.session}: ${resumed.done} step(s) already done, ${selected.length} to go`);
    }
    const blocks = selected.flatMap((s) => (s.kind === 'block' ? [s.block] : []));
    if (!options.dryRun) refuseUnclosed(file, blocks);
    const startIn = sessionStart(file, model, options.cwd, io);
    if (selected.some((s) => s.kind === 'scenario')) {
      try {
        scenarioPolling(model.frontMatter?.data ?? {});
      } catch (error) {
        throw new UserError(`${file}: ${(error as Error).message}`);
      }
    }
    for (const block of blocks) {
      const timeout = block.options.values.timeout;
      if (typeof timeout === 'string') duration(timeout, `${file}:${block.line}: timeout=`);
    }
    // A block in a shell this machine does not have is skipped, with the reason, not run in another.
    const noInterpreter = new Map<number, string>();
    const hasZsh = blocks.some((b) => b.lang === 'zsh') && onPath('zsh', io.env.PATH);
    for (const block of blocks) if (block.lang === 'zsh' && !hasZsh) noInterpreter.set(block.index, 'zsh is not installed');
    const { resolved, secrets, env, show } = setup(model, io, options.set ?? [], new Set(blocks.map((b) => b.index)));
    const missing = [...resolved.missing, ...scenarioMissing(model, selected.flatMap((s) => (s.kind === 'scenario' ? [s.scenario] : [])), resolved.values, io.env)];
    if (missing.length && !options.dryRun) {
      const list = missing.map((m) => `${m.name} (line ${m.lines.join(', ')})`).join(', ');
      throw new UserError(`${file}: no value for ${list}; give one with --set NAME=VALUE, the environment, front matter or a knob table`);
    }
    // A bare `<host>` makes its block a syntax error: better said before anything runs.
    const placeholders = blocks.flatMap((block) =>
      findPlaceholders(block.body)
        .filter((p) => p.bare)
        .map((p) => `${p.text} (line ${block.line + 1 + p.line})`),
    );
    if (placeholders.length && !options.dryRun) {
      throw new UserError(`${file}: ${placeholders.join(', ')} ${placeholders.length === 1 ? 'is a placeholder' : 'are placeholders'} to replace by hand before the blocks can run; write them as variables (\`runbook check\` suggests names) and give values with --set`);
    }
    if (options.dryRun) {
      for (const step of selected) {
        if (step.kind === 'block') printPlan(io, step.block, resolved.values, show, defaultTimeout);
        else printScenarioPlan(io, step.scenario, (text) => redact(text, secrets));
      }
      if (missing.length) println(io.stdout, `\nno value yet for: ${missing.map((m) => m.name).join(', ')}`);
      if (placeholders.length) println(io.stdout, `\nplaceholders to replace by hand: ${placeholders.join(', ')}`);
      return EXIT.ok;
    }
    // Where the report and the JUnit file go must exist before anything runs, not after.
    const report = options.report ? outputFile(io.cwd, options.report, '--report') : null;
    const junit = options.junit ? outputFile(io.cwd, options.junit, '--junit') : null;
    const confirmations = new Set(options.confirm ?? []);
    for (const block of blocks) {
      const word = block.options.values.confirm;
      if (typeof word === 'string' && !confirmations.has(word)) {
        throw new UserError(`${file}:${block.line}: block ${block.name ?? block.index + 1} asks to confirm "${word}"; pass --confirm ${word} to run it unattended`);
      }
    }
    const what = describeCount(selected);
    if (!options.yes) {
      if (!io.stdin.isTTY) {
        throw new UserError(`refusing to run ${what} of ${file} without a terminal to confirm; pass --yes to run unattended`);
      }
      const rl = createInterface({ input: io.stdin, output: io.stdout });
      const answer = await rl.question(`Run ${what} of ${file}? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        println(io.stdout, 'nothing run');
        return EXIT.ok;
      }
    }
    requireBash(io.env);
    player = await Player.open(doc, { cwd: startIn, env, secrets, operator: () => operatorName(io.env, io.cwd), version: __VERSION__, timeoutMs: defaultTimeout, restore, onStray: (stream, text) => (stream === 'stdout' ? io.stdout : io.stderr).write(text) }, resumeOf);
    player.journal.append('variables', { names: Object.keys(resolved.values), sources: resolved.sources });
    const startedAt = new Date().toISOString();
    const records: BlockRecord[] = [];
    const scenarios: ScenarioRecord[] = [];
    const done = new Set<RunStep>();
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) {
        player?.journal.append('abort', { reason: 'second interrupt' });
        process.exit(EXIT.failure);
      }
      interrupted = true;
      io.stderr.write('\nrunbook: stopping the running step (Ctrl-C again to quit at once)\n');
      player?.cancel();
    };
    process.on('SIGINT', onSigint);
    const open = player;
    const release = stopOnHangup((signal) => open.abort(`${signal}: the tool was stopped`));
    const log = actionsLog(io.env, io.stdout);
    let endedLine = true;
    const print = (event: ExecEvent) => {
      if (event.type !== 'output' || !event.text) return;
      (event.stream === 'stdout' ? io.stdout : io.stderr).write(event.text);
      endedLine = event.text.endsWith('\n');
    };
    /** Runs one step with its output under `title` (a fold in GitHub Actions). */
    const folded = async <T>(title: string, step: () => Promise<T>): Promise<T> => {
      log.start(title);
      endedLine = true;
      const record = await step();
      log.end(endedLine);
      return record;
    };
    try {
      for (const [n, step] of selected.entries()) {
        if (interrupted) break;
        const line = step.kind === 'block' ? step.block.line : step.scenario.line;
        const gate = step.kind === 'scenario' && step.scenario.gateText ? ` · gate ${step.scenario.gateText}` : '';
        const title = `▶ ${step.kind === 'block' ? stepName(step) : `${stepName(step)}: ${step.scenario.name}`} — line ${line}${gate} (${n + 1}/${selected.length})`;
        if (step.kind === 'scenario') {
          const record = await folded(title, () => open.runScenario(step.scenario.index, print));
          scenarios.push(record);
          done.add(step);
          println(io.stdout, scenarioSummary(record));
          const failedHere = record.outcome === 'failed' || record.outcome === 'timed out' || record.outcome === 'canceled';
          if (failedHere) log.error(file, line, `${stepName(step)}: ${scenarioOutcomeText(record)}`);
          if (failedHere && !options.keepGoing) break;
          continue;
        }
        const block = step.block;
        const why = noInterpreter.get(block.index);
        if (why) {
          println(io.stdout, title);
          player.skip(block.index, why);
          println(io.stdout, `↷ skipped: ${why}`);
          continue;
        }
        const record = await folded(title, () => open.runBlock(block.index, print));
        records.push(record);
        done.add(step);
        println(io.stdout, `${record.outcome === 'passed' ? '✔' : '✘'} ${outcomeText(record)}`);
        if (record.outcome !== 'passed') log.error(file, line, `${stepName(step)} ${outcomeText(record)}`);
        if (record.outcome !== 'passed' && !options.keepGoing) break;
      }
    } finally {
      process.off('SIGINT', onSigint);
      release();
    }
    const failed = records.filter((r) => r.outcome !== 'passed');
    const failedScenarios = scenarios.filter((r) => r.outcome === 'failed' || r.outcome === 'timed out' || r.outcome === 'canceled');
    const outcome = interrupted ? 'canceled' : failed.length || failedScenarios.length ? 'failed' : 'passed';
    if (interrupted) player.journal.append('abort', { reason: 'interrupted by the operator' });
    if (scenarios.length) {
      player.journal.append('summary', { scenarios: scenarios.map(({ tail: _tail, ...rest }) => rest) });
      println(io.stdout, `\n${scenarioTable(scenarios)}`);
    }
    const operator = player.operator;
    await player.close(outcome, { ran: records.length + scenarios.length, failed: failed.length + failedScenarios.length });
    player = null;
    const notRun = selected.filter((s) => !done.has(s));
    const reasonOf = (s: RunStep) => (s.kind === 'block' ? noInterpreter.get(s.block.index) : undefined) ?? 'not run: an earlier step failed or the run was stopped';
    if (report) {
      const json: RunReport = { file, startedAt, finishedAt: new Date().toISOString(), operator, outcome, blocks: [...records.map(({ tail: _tail, ...rest }) => rest)], scenarios: scenarios.map(({ tail: _tail, ...rest }) => rest) };
      writeOutput(report, `${JSON.stringify(json, null, 2)}\n`);
    }
    if (junit) {
      const cases: JunitCase[] = [
        ...records.map((r) => blockCase(r)),
        ...scenarios.map((r) => scenarioCase(r)),
        ...notRun.map((s) => ({ name: `${stepName(s)} (line ${s.kind === 'block' ? s.block.line : s.scenario.line})`, durationMs: 0, skipped: reasonOf(s) })),
      ];
      writeOutput(junit, junitXml(file, cases));
    }
    const passed = records.length - failed.length + scenarios.filter((r) => r.outcome === 'passed').length;
    const judged = scenarios.filter((r) => r.outcome === 'needs judgment' || r.outcome === 'skipped').length;
    println(io.stdout, `\n${passed} passed, ${failed.length + failedScenarios.length} failed${judged ? `, ${judged} for the operator to judge` : ''}${notRun.length ? `, ${notRun.length} not run` : ''} — ${file}`);
    return outcome === 'passed' ? EXIT.ok : EXIT.failure;
  } finally {
    if (player) await player.close('error');
    else doc.close();
  }
}

function duration(text: string, what: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UserError(`${what}: ${(error as Error).message}`);
  }
}

/** How a block ended, in one line: `failed (exit 1) in 0.20 s · set X · cwd /srv`. */
function outcomeText(record: BlockRecord): string {
  const exit = record.outcome === 'passed' ? '' : record.exitCode !== null ? ` (exit ${record.exitCode})` : record.signal ? ` (${record.signal})` : '';
  const changed = `${record.recoveredMs !== null ? ` · recovered in ${formatSeconds(record.recoveredMs)}` : ''}${record.changedVars.length ? ` · set ${record.changedVars.join(', ')}` : ''}`;
  const reason = record.reason ? ` · ${record.reason}` : '';
  return `${record.outcome}${exit} in ${formatSeconds(record.durationMs)}${changed} · cwd ${record.cwd}${reason}`;
}

function printPlan(io: Io, block: Block, values: Record<string, string>, show: (name: string, value: string) => string, defaultTimeout: number | null): void {
  const timeout = block.options.values.timeout ?? (defaultTimeout === null ? null : `${defaultTimeout / 1000}s`);
  const bits = [`block ${block.index + 1}`, block.name, `line ${block.line}`, block.lang, timeout ? `timeout ${timeout}` : null, typeof block.options.values.confirm === 'string' ? `confirm "${block.options.values.confirm}"` : null].filter(Boolean);
  println(io.stdout, `── ${bits.join(' · ')}`);
  const used = usedVariables(block, values, show);
  if (used.length) println(io.stdout, `   with ${used.join('  ')}`);
  for (const line of resolvedCode(block, values, show).split('\n')) println(io.stdout, `   ${line}`);
}

function scenarioSummary(record: ScenarioRecord): string {
  const mark = record.outcome === 'passed' ? '✔' : record.outcome === 'needs judgment' || record.outcome === 'skipped' ? '?' : '✘';
  return `${mark} ${scenarioOutcomeText(record)}${record.reason && record.outcome !== 'skipped' ? ` · ${record.reason}` : ''}`;
}

function printScenarioPlan(io: Io, scenario: Scenario, mask: (text: string) => string): void {
  const bits = [`scenario ${scenario.id}`, scenario.name, `line ${scenario.line}`, scenario.gateText ? `gate ${scenario.gateText}${scenario.gate ? '' : ' (not measurable: for the operator)'}` : null].filter(Boolean);
  println(io.stdout, `── ${bits.join(' · ')}`);
  if (scenario.command === null) println(io.stdout, `   not runnable: ${scenario.problem}`);
  else for (const line of mask(scenario.command).split('\n')) println(io.stdout, `   ${line}`);
  if (scenario.until) println(io.stdout, `   until ${mask(scenario.until)}`);
}

/** A file `run` writes when it is done (`--report`, `--junit`), as given and where it goes. */
interface OutputFile {
  absolute: string;
  given: string;
  option: string;
}

/** Where `given` goes, refused now when its folder does not exist. */
function outputFile(cwd: string, given: string, option: string): OutputFile {
  const absolute = resolve(cwd, given);
  const folder = dirname(absolute);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw new UserError(`${option} ${given}: the folder ${folder} does not exist; create it or choose another path (nothing was run)`);
  return { absolute, given, option };
}

function writeOutput(file: OutputFile, text: string): void {
  try {
    writeFileSync(file.absolute, text);
  } catch (error) {
    throw new UserError(`${file.option} ${file.given}: cannot write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the run itself is recorded in the runbook and its journal`);
  }
}
