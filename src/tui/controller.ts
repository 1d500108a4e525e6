import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { findPlaceholders, renderProse } from '../parser/index.js';
import { resolvedCode, resolvedText, usedVariables } from '../session/display.js';
import { scenarioLine, type Session } from '../session/engine.js';
import { HostPrefixer, hostsLine } from '../session/fanout.js';
import { shown } from '../session/prepare.js';
import { buildSteps, type RunStep } from '../session/steps.js';
import type { Controller } from './App.js';
import { lineDiff } from './diff.js';
import type { Step } from './state.js';

/** What the screen needs from outside the session: the terminal's input, the environment. */
export interface ScreenIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * Connects the play screen to a session: every run, skip, tick and fill goes to the engine,
 * which decides and records; this only turns steps into text for the screen and opens the
 * operator's editor.
 */
export function sessionController(session: Session, io: ScreenIo): Controller {
  const { doc, file } = session.prepared;
  const runStep = (step: Step): RunStep | undefined => {
    const all = [...session.prepared.steps, ...session.prepared.rollback];
    return step.kind === 'block' ? all.find((s) => s.kind === 'block' && s.block.index === step.ref) : step.kind === 'scenario' ? all.find((s) => s.kind === 'scenario' && s.scenario.index === step.scenario) : undefined;
  };
  return {
    title: doc.model.title ?? file,
    file,
    color: !io.env.NO_COLOR,
    describe: (step) => describeStep(session, step),
    confirmWord(step) {
      const target = runStep(step);
      return target ? (session.blockOf(target)?.confirm ?? null) : null;
    },
    edit(step) {
      const target = runStep(step);
      const block = target ? session.blockOf(target) : null;
      const script = block ? editInEditor(block.name ?? `block-${block.index + 1}`, block.body, io) : null;
      if (!block || script === null) return null;
      const mask = (text: string) => session.player.mask(text);
      return { script, diff: lineDiff(mask(block.body), mask(script)) };
    },
    async run(step, on, edit) {
      const target = runStep(step);
      if (!target) return { status: step.status, durationMs: 0, exitCode: null, outcome: 'not runnable', cwd: session.player.shell.cwd, changedVars: [], evidence: [], message: 'Enter runs a block or a scenario row' };
      const conflicts = doc.conflicts.length;
      // An edit to save that cannot be saved stops before anything runs, and says why.
      const refused = (error: unknown) => {
        if (!(error instanceof UserError)) throw error;
        return { status: step.status, durationMs: 0, exitCode: null, outcome: 'not run', cwd: session.player.shell.cwd, changedVars: [], message: error.message };
      };
      if (edit?.save) {
        try {
          session.saveEdit(target, edit.script);
        } catch (error) {
          return refused(error);
        }
      }
      on.start();
      // On a group, each host's lines start with its name, as in `run`.
      const prefix = new HostPrefixer();
      const report = await session.run(
        target,
        (event) => {
          if (event.type === 'output') on.output(event.host ? prefix.push(event.host, event.text) : event.text);
          else if (event.type === 'wait') on.wait({ check: event.check, polls: event.polls, last: event.last, deadlineAt: event.deadlineAt });
          else if (event.type === 'host') on.host({ host: event.host, outcome: event.outcome, durationMs: event.durationMs, reason: event.reason });
        },
        edit && { script: edit.script, saved: edit.save },
      );
      // Someone else's edit that could not be merged is what the operator must see first.
      const message = doc.conflicts.length > conflicts ? session.conflictText() : report.scenario ? scenarioLine(report.scenario) : report.block?.on ? hostsLine(report.block) : report.failed && report.reason ? `${report.outcome}: ${report.reason}` : report.outcome === 'skipped' ? `skipped: ${report.reason ?? ''}` : undefined;
      const label = report.scenario ? session.rowLabel(step) : undefined;
      return { status: report.status, durationMs: report.durationMs, exitCode: report.exitCode, outcome: report.outcome, edited: report.edited, cwd: report.cwd, changedVars: report.changedVars, unsetVars: report.unsetVars, evidence: report.evidence, message, label };
    },
    skip(step) {
      const target = runStep(step);
      if (target) session.skip(target, 'skipped by the operator');
    },
    toggle(step, column) {
      try {
        return session.toggle(step, column);
      } catch (error) {
        return { status: step.status, message: (error as Error).message };
      }
    },
    prefill: (step, column) => session.prefill(step, column),
    fill(step, column, value) {
      try {
        return { ...session.fill(step, column, value), status: rowStatus(session, step) };
      } catch (error) {
        return { message: (error as Error).message };
      }
    },
    unticked: (step) => (step.kind === 'block' ? session.untickedBefore(step.ref) : 0),
    cancel: () => session.cancelStep(),
    quit() {
      // The session ends after the screen is gone; see the play command.
    },
  };
}

/** A row's status after a fill, as the outline would build it now: a row with nothing left to tick or fill is done. */
function rowStatus(session: Session, step: Step): Step['status'] | undefined {
  if (step.kind !== 'row') return undefined;
  const now = buildSteps(session.prepared.doc.model).find((s) => s.kind === 'row' && s.ref === step.ref && s.row === step.row);
  return now?.status ?? 'ticked';
}

/** What the panel shows for a step: its prose, its code with variables resolved (masked), its options. */
function describeStep(session: Session, step: Step): ReturnType<Controller['describe']> {
  const { doc } = session.prepared;
  const show = (name: string, value: string) => shown(session.prepared, name, value);
  const values = session.prepared.variables.values;
  const model = doc.model;
  if (step.kind === 'block') {
    const planned = [...session.prepared.steps, ...session.prepared.rollback].find((s) => s.kind === 'block' && s.block.index === step.ref);
    const block = (planned && session.blockOf(planned)) ?? model.blocks[step.ref]!;
    const opts = Object.entries(block.options.values).map(([k, v]) => (v === true ? k : `${k}=${String(v)}`));
    const vars = usedVariables(block, values, show);
    const placeholders = findPlaceholders(block.body).filter((p) => p.bare).map((p) => p.text);
    const warn = placeholders.length ? [`⚠ ${placeholders.join(' ')}: replace by hand before running (e edits the block)`] : [];
    const skip = session.prepared.skips.get(step.ref);
    const info = [`${block.lang} · line ${block.line}`, ...opts, ...(vars.length ? [`with ${vars.join(' ')}`] : []), ...warn, ...(skip ? [`will be skipped: ${skip}`] : [])].join(' · ');
    return { prose: prose(session, step), code: resolvedCode(block, values, show).split('\n'), options: info, columns: [] };
  }
  if (step.kind === 'scenario') {
    const scenario = model.scenarios[step.scenario!]!;
    const table = model.tables[step.ref]!;
    const gate = scenario.gateText === null ? 'no gate' : scenario.gate ? `gate ${scenario.gateText}` : `gate "${scenario.gateText}" is not measurable: judge it yourself and tick the row`;
    const lines = (text: string) => session.player.mask(resolvedText(text, values, show)).split('\n');
    const code = scenario.command === null ? [] : lines(scenario.command);
    if (scenario.until) code.push(`# then, until it passes:`, ...lines(scenario.until));
    const text = [`Scenario ${scenario.name} — line ${scenario.line} · ${gate}`];
    if (scenario.problem) text.push(`cannot run: ${scenario.problem}`);
    return { prose: text, code, options: null, columns: table.header, fillColumn: firstFillable(table.rows[step.row!]!.cells) };
  }
  if (step.kind === 'row') {
    const table = model.tables[step.ref]!;
    const row = table.rows[step.row!]!;
    return { prose: [`line ${row.line}: ${table.header.map((h, i) => `${h}: ${row.cells[i]!.text || '—'}`).join(' · ')}`], code: [], options: null, columns: table.header, fillColumn: firstFillable(row.cells) };
  }
  return { prose: prose(session, step), code: [], options: null, columns: [] };
}

/** Opens a block in the operator's editor; the edited text, or null when the editor failed. */
function editInEditor(name: string, body: string, io: ScreenIo): string | null {
  const editor = io.env.VISUAL || io.env.EDITOR || 'vi';
  const dir = mkdtempSync(join(tmpdir(), 'runbook-edit-'));
  const file = join(dir, `${name}.sh`);
  writeFileSync(file, body.endsWith('\n') ? body : `${body}\n`, { mode: 0o600 });
  // The editor gets the terminal for as long as it runs; the screen redraws after.
  const raw = io.stdin.isTTY ? (io.stdin as NodeJS.ReadStream) : null;
  raw?.setRawMode(false);
  const result = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
  raw?.setRawMode(true);
  const edited = result.status === 0 ? readFileSync(file, 'utf8').replace(/\n$/, '') : null;
  rmSync(dir, { recursive: true, force: true });
  return edited;
}

/** The first cell of a row still to fill (empty or a placeholder), else the first cell. */
function firstFillable(cells: readonly { kind: string }[]): number {
  return Math.max(0, cells.findIndex((cell) => cell.kind === 'fillable'));
}

/** The prose between the step's heading and the step (or the heading's own text), rendered. */
function prose(session: Session, step: Step): string[] {
  const { doc } = session.prepared;
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
    // A block's own lines run on past its fence: its result line and evidence line are its, not
    // the next step's prose.
    const ends = (other: (typeof model.blocks)[number] | (typeof model.tasks)[number]) =>
      'result' in other ? Math.max(other.span.end, other.result?.lineSpan.end ?? 0, other.evidence?.lineSpan.end ?? 0) : other.span.end;
    for (const other of [...model.blocks.filter((b) => b.runnable), ...model.tasks]) {
      if (other.span.end <= to && ends(other) > from && other !== item) from = Math.min(ends(other), to);
    }
  }
  const lines = renderProse(doc.source.text, from, Math.max(from, to)).filter((l) => !/^\*runbook:\*/.test(l) && l.trim() !== '');
  if (step.kind === 'task') lines.push(`☐ ${model.tasks[step.ref]!.text}`);
  return lines.slice(-8);
}
