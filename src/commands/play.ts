import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { cellAnchor, taskAnchor, type Anchor } from '../document/anchors.js';
import { Document } from '../document/document.js';
import { formatTime } from '../document/time.js';
import { EXIT, UserError } from '../errors.js';
import { println, type Io } from '../io.js';
import { DURATION_COLUMN, findPlaceholders, formatSeconds, renderProse, TIME_COLUMN } from '../parser/index.js';
import { resolvedCode, resolvedText, usedVariables } from '../session/display.js';
import { Player } from '../session/player.js';
import { scenarioOutcomeText } from '../session/scenario.js';
import { scenarioPolling } from '../session/poll.js';
import { scenarioMissing } from '../session/variables.js';
import { operatorName } from '../session/template.js';
import { scenarioTable } from '../session/reports.js';
import { buildSteps, scenarioLabel } from '../session/steps.js';
import type { Controller } from '../tui/App.js';
import { loadScreen } from '../tui/load.js';
import type { PlayState, Step } from '../tui/state.js';
import { createSession } from './new.js';
import { refuseUnclosed, requireBash, sessionStart, setup, stopOnHangup } from './setup.js';

declare const __VERSION__: string;

export interface PlayOptions {
  new?: boolean;
  set?: string[];
  timeout?: string;
  cwd?: string;
}

/** `runbook play FILE`: step an operator through a runbook in the terminal. */
export async function playCommand(file: string, options: PlayOptions, io: Io): Promise<number> {
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    throw new UserError(`play needs a terminal; for scripts and CI use \`runbook run ${file} --yes\``);
  }
  const path = options.new ? await createSession(file, undefined, io) : file;
  if (options.new) println(io.stdout, `${path}: new session doc from ${file}`);
  const doc = Document.open(path, { lock: 'runbook play' });
  let player: Player | null = null;
  try {
    refuseUnclosed(path, doc.model.blocks);
    const startIn = sessionStart(path, doc.model, options.cwd, io);
    const prep = setup(doc.model, io, options.set ?? []);
    prep.resolved.missing.push(...scenarioMissing(doc.model, doc.model.scenarios, prep.resolved.values, io.env).filter((m) => !prep.resolved.missing.some((b) => b.name === m.name)));
    if (prep.resolved.missing.length) {
      // Ask for what no source gives, before the screen takes over the terminal.
      const rl = createInterface({ input: io.stdin, output: io.stdout });
      for (const missing of prep.resolved.missing) {
        const value = await rl.question(`${missing.name} (used on line ${missing.lines.join(', ')}): `);
        prep.resolved.values[missing.name] = value;
        prep.env[missing.name] = value;
        prep.resolved.sources[missing.name] = 'prompt';
      }
      rl.close();
    }
    if (doc.model.scenarios.length) {
      try {
        scenarioPolling(doc.model.frontMatter?.data ?? {});
      } catch (error) {
        throw new UserError(`${path}: ${(error as Error).message}`);
      }
    }
    requireBash(io.env);
    const { parseDuration } = await import('../session/duration.js');
    player = await Player.open(doc, { cwd: startIn, env: prep.env, secrets: prep.secrets, operator: () => operatorName(io.env, io.cwd), version: __VERSION__, timeoutMs: options.timeout ? parseDuration(options.timeout) : null });
    if (prep.resolved.missing.length) player.journal.append('prompt', { names: prep.resolved.missing.map((m) => m.name) });
    const controller = makeController(path, doc, player, prep, io);
    const initial: PlayState = { steps: buildSteps(doc.model), selected: 0, mode: { name: 'browse' }, output: [], scroll: 0, column: -1, message: null, cwd: player.shell.cwd, changedVars: [], quitting: false };
    // Ink and React load only here: no other command pays for them.
    const open = player;
    // Once the terminal is gone, reading and drawing fail (EIO); that must not stop the session
    // from stopping its block and writing its record.
    let hungUp = false;
    const ignore = () => undefined;
    io.stdout.on('error', ignore);
    io.stdin.on('error', ignore);
    const lostTerminal = (error: NodeJS.ErrnoException) => {
      if (hungUp && ['EIO', 'EPIPE', 'ENOTTY', 'EBADF'].includes(error.code ?? '')) return;
      process.off('uncaughtException', lostTerminal);
      throw error;
    };
    process.on('uncaughtException', lostTerminal);
    const release = stopOnHangup((signal) => {
      hungUp = true;
      return open.abort(`${signal}: the terminal closed or the tool was stopped`);
    });
    // Ink draws only a final frame when it thinks it runs in CI (CI=true). play always has a
    // terminal, so it draws live; the blocks' own environment (prep.env) is left as it was.
    for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in process.env) process.env[key] = 'false';
    const { mountApp } = await loadScreen();
    await mountApp(controller, initial);
    release();
    process.off('uncaughtException', lostTerminal);
    const scenarios = player.scenarios;
    if (scenarios.length) {
      // The screen is gone: the summary stays in the terminal, and in the journal.
      player.journal.append('summary', { scenarios: scenarios.map(({ tail: _tail, ...rest }) => rest) });
      println(io.stdout, `\n${scenarioTable(scenarios)}\n`);
    }
    const failed = doc.model.blocks.some((b) => b.runnable && b.result && b.result.outcome !== 'passed') || scenarios.some((r) => r.outcome === 'failed' || r.outcome === 'timed out');
    await player.close('quit');
    player = null;
    return failed ? EXIT.failure : EXIT.ok;
  } finally {
    if (player) await player.close('error');
    else doc.close();
  }
}

function makeController(path: string, doc: Document, player: Player, prep: ReturnType<typeof setup>, io: Io): Controller {
  let lastDuration: number | null = null;
  const table = (step: Step) => doc.model.tables[step.ref]!;
  const checkboxColumn = (step: Step, column: number) => {
    const cells = table(step).rows[step.row!]!.cells;
    return cells[column]?.kind === 'checkbox' ? column : cells.findIndex((c) => c.kind === 'checkbox');
  };
  return {
    title: doc.model.title ?? path,
    file: path,
    color: !io.env.NO_COLOR,
    describe(step) {
      const model = doc.model;
      if (step.kind === 'block') {
        const block = model.blocks[step.ref]!;
        const opts = Object.entries(block.options.values).map(([k, v]) => (v === true ? k : `${k}=${String(v)}`));
        const vars = usedVariables(block, prep.resolved.values, prep.show);
        const placeholders = findPlaceholders(block.body).filter((p) => p.bare).map((p) => p.text);
        const warn = placeholders.length ? [`⚠ ${placeholders.join(' ')}: replace by hand before running (e edits the block)`] : [];
        const info = [`${block.lang} · line ${block.line}`, ...opts, ...(vars.length ? [`with ${vars.join(' ')}`] : []), ...warn].join(' · ');
        return { prose: prose(doc, step), code: resolvedCode(block, prep.resolved.values, prep.show).split('\n'), options: info, columns: [] };
      }
      if (step.kind === 'scenario') {
        const scenario = model.scenarios[step.scenario!]!;
        const t = table(step);
        const gate = scenario.gateText === null ? 'no gate' : scenario.gate ? `gate ${scenario.gateText}` : `gate "${scenario.gateText}" is not measurable: judge it yourself and tick the row`;
        const shown = (text: string) => player.mask(resolvedText(text, prep.resolved.values, prep.show)).split('\n');
        const code = scenario.command === null ? [] : shown(scenario.command);
        if (scenario.until) code.push(`# then, until it passes:`, ...shown(scenario.until));
        const prose = [`Scenario ${scenario.name} — line ${scenario.line} · ${gate}`];
        if (scenario.problem) prose.push(`cannot run: ${scenario.problem}`);
        return { prose, code, options: null, columns: t.header, fillColumn: firstFillable(t.rows[step.row!]!.cells) };
      }
      if (step.kind === 'row') {
        const t = table(step);
        const row = t.rows[step.row!]!;
        return { prose: [`line ${row.line}: ${t.header.map((h, i) => `${h}: ${row.cells[i]!.text || '—'}`).join(' · ')}`], code: [], options: null, columns: t.header, fillColumn: firstFillable(row.cells) };
      }
      return { prose: prose(doc, step), code: [], options: null, columns: [] };
    },
    confirmWord(step) {
      if (step.kind !== 'block') return null;
      const word = doc.model.blocks[step.ref]?.options.values.confirm;
      return typeof word === 'string' ? word : null;
    },
    edit(step) {
      const block = step.kind === 'block' ? doc.model.blocks[step.ref] : undefined;
      if (!block) return null;
      const editor = io.env.VISUAL || io.env.EDITOR || 'vi';
      const dir = mkdtempSync(join(tmpdir(), 'runbook-edit-'));
      const file = join(dir, `${block.name ?? `block-${block.index + 1}`}.sh`);
      writeFileSync(file, block.body.endsWith('\n') ? block.body : `${block.body}\n`, { mode: 0o600 });
      // The editor gets the terminal for as long as it runs; the screen redraws after.
      const raw = io.stdin.isTTY ? (io.stdin as NodeJS.ReadStream) : null;
      raw?.setRawMode(false);
      const result = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
      raw?.setRawMode(true);
      const edited = result.status === 0 ? readFileSync(file, 'utf8').replace(/\n$/, '') : null;
      rmSync(dir, { recursive: true, force: true });
      return edited;
    },
    async run(step, onOutput, onStart, script) {
      onStart();
      if (step.kind === 'scenario') {
        const record = await player.runScenario(step.scenario!, (event) => event.type === 'output' && onOutput(event.text));
        if (record.measuredMs !== null) lastDuration = record.measuredMs;
        const status: Step['status'] = record.outcome === 'passed' ? 'passed' : record.outcome === 'needs judgment' || record.outcome === 'skipped' ? 'skipped' : 'failed';
        const message = `${scenarioOutcomeText(record)}${record.reason && record.outcome !== 'skipped' ? ` · ${record.reason}` : ''}`;
        // A broken gate is not the command's failure: its exit status is left out of the banner.
        const exitCode = record.gateMet === false ? null : record.exitCode;
        return { status, durationMs: record.durationMs, exitCode, outcome: record.outcome, cwd: player.shell.cwd, changedVars: [], message, label: scenarioLabel(doc.model, step.scenario!) };
      }
      const record = await player.runBlock(step.ref, (event) => event.type === 'output' && onOutput(event.text), script);
      lastDuration = record.durationMs;
      const status: Step['status'] = record.outcome === 'passed' ? 'passed' : 'failed';
      return { status, durationMs: record.durationMs, exitCode: record.exitCode, outcome: record.outcome, cwd: record.cwd, changedVars: record.changedVars };
    },
    skip(step) {
      if (step.kind === 'block') player.skip(step.ref, 'skipped by the operator');
    },
    toggle(step, column) {
      try {
        if (step.kind === 'task') {
          const task = doc.model.tasks[step.ref]!;
          const checked = !task.checked;
          const [report] = doc.apply([{ kind: 'task', anchor: taskAnchor(doc.model, task.index) as Anchor & { kind: 'task' }, checked }]);
          player.journal.append('tick', { line: report!.line, what: report!.what, to: report!.after });
          return { status: checked ? 'ticked' : 'pending', message: `${report!.what}: ${report!.before} → ${report!.after}` };
        }
        if (step.kind === 'row' || step.kind === 'scenario') {
          const col = checkboxColumn(step, column);
          if (col === -1) return { status: step.status, message: 'this row has no checkbox' };
          const cell = table(step).rows[step.row!]!.cells[col]!;
          const state = cell.checkbox === 'unchecked' ? 'checked' : 'unchecked';
          const [report] = doc.apply([{ kind: 'checkbox', anchor: cellAnchor(doc.model, step.ref, step.row!, col) as Anchor & { kind: 'cell' }, state }]);
          player.journal.append('tick', { line: report!.line, what: report!.what, to: report!.after });
          const status = step.kind === 'scenario' ? (state === 'checked' ? 'passed' : 'pending') : state === 'checked' ? 'ticked' : 'info';
          return { status, message: `${report!.what}: ${report!.before} → ${report!.after}`, label: rowLabel(doc, step) };
        }
        return { status: step.status, message: 'space ticks a task or a checkbox cell' };
      } catch (error) {
        return { status: step.status, message: (error as Error).message };
      }
    },
    prefill(step, column) {
      const name = table(step).header[column]?.trim() ?? '';
      if (TIME_COLUMN.test(name)) return formatTime(new Date());
      if (DURATION_COLUMN.test(name) && lastDuration !== null) return formatSeconds(lastDuration);
      return table(step).rows[step.row!]!.cells[column]?.kind === 'fillable' ? '' : (table(step).rows[step.row!]!.cells[column]?.text ?? '');
    },
    fill(step, column, value) {
      try {
        const [report] = doc.apply([{ kind: 'fill', anchor: cellAnchor(doc.model, step.ref, step.row!, column) as Anchor & { kind: 'cell' }, value }]);
        player.journal.append('fill', { line: report!.line, what: report!.what });
        return { message: `${report!.what}: ${report!.before || '(empty)'} → ${report!.after}`, label: rowLabel(doc, step) };
      } catch (error) {
        return { message: (error as Error).message };
      }
    },
    cancel() {
      player.cancel();
    },
    quit() {
      // Closing happens after the screen is gone; see playCommand.
    },
  };
}

/** The first cell of a row still to fill (empty or a placeholder), else the first cell. */
function firstFillable(cells: readonly { kind: string }[]): number {
  return Math.max(0, cells.findIndex((cell) => cell.kind === 'fillable'));
}

/** A table row as the outline shows it, from the current model. */
function rowLabel(doc: Document, step: Step): string {
  if (step.kind === 'scenario') return scenarioLabel(doc.model, step.scenario!);
  return doc.model.tables[step.ref]!.rows[step.row!]!.cells.map((c) => c.text || '·').join(' | ');
}

/** The prose between the step's heading and the step (or the heading's own text), rendered. */
function prose(doc: Document, step: Step): string[] {
  const model = doc.model;
  let from: number;
  let to: number;
  if (step.kind === 'heading') {
    const section = model.sections[step.ref]!;
    from = section.span.end;
    const next = model.sections[step.ref + 1];
    to = next ? next.span.start : section.extent.end;
  } else {
    const item = step.kind === 'block' ? model.blocks[step.ref]! : model.tasks[step.ref]!;
    const section = item.section === null ? null : model.sections[item.section]!;
    from = section ? section.span.end : (model.frontMatter?.span.end ?? 0);
    to = item.span.start;
    // Stop at the previous step in the same section, so the text shown is this step's own.
    for (const other of [...model.blocks.filter((b) => b.runnable), ...model.tasks]) {
      if (other.span.end <= to && other.span.end > from && other !== item) from = other.span.end;
    }
  }
  const lines = renderProse(doc.source.text, from, Math.max(from, to)).filter((l) => !/^\*runbook:\*/.test(l) && l.trim() !== '');
  if (step.kind === 'task') lines.push(`☐ ${model.tasks[step.ref]!.text}`);
  return lines.slice(-8);
}
