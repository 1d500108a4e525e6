import { cellAnchor, taskAnchor, type Anchor } from '../document/anchors.js';
import { formatTime } from '../document/time.js';
import { conflictText } from '../document/conflict.js';
import { EXIT, UserError } from '../errors.js';
import { isDirectory } from '../executor/session.js';
import { redact } from '../executor/redact.js';
import { readState } from '../executor/state.js';
import type { SessionProcess } from '../executor/types.js';
import type { StepEvent } from './poll.js';
import { DURATION_COLUMN, formatSeconds, TIME_COLUMN, type Block, type Runbook } from '../parser/index.js';
import { statePath } from './journal.js';
import { RemoteHosts } from './hosts.js';
import { Player, type BlockEdit, type BlockRecord } from './player.js';
import type { Prepared } from './prepare.js';
import { resumePoint } from './resume.js';
import { LOST, Places } from './places.js';
import { outcomeGivesReason, scenarioOutcomeText, type ScenarioRecord } from './scenario.js';
import { scenarioLabel, type RunStep, type Step } from './steps.js';

/** What one step came to, in the words every face of a session shows. */
export interface StepReport {
  step: RunStep;
  /** The outline's mark for it. */
  status: Step['status'];
  outcome: string;
  /** Whether it counts as a failure: failed, timed out or canceled. */
  failed: boolean;
  /** Why it failed, timed out or needs judgment; masked, one line. */
  reason: string | null;
  durationMs: number;
  exitCode: number | null;
  cwd: string;
  changedVars: string[];
  /** Of those, the ones the step unset. */
  unsetVars?: string[];
  /** Whether what ran was the operator's edit of the block. */
  edited?: boolean;
  block?: BlockRecord;
  scenario?: ScenarioRecord;
  /** What the step kept as evidence, one line each (masked). */
  evidence: string[];
}

/** How a session is started. */
export interface StartOptions {
  command: 'run' | 'play';
  operator: string | (() => Promise<string>);
  version: string;
  /** Continue the document's last session: its shell state restored, its done steps not run again. */
  resume: boolean;
  onStray?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** The tool's environment (`RUNBOOK_SSH_KEEPALIVE`); the process's when not given. */
  env?: NodeJS.ProcessEnv;
}

const FAILED = new Set(['failed', 'timed out', 'canceled']);

/**
 * The one session engine `run` and `play` drive: it owns the steps, runs them through the
 * player, decides what counts as passed or failed, what comes next after a failure (the
 * rollback policy), and the exit code. Faces subscribe to its output and draw; they decide none
 * of it.
 */
export class Session {
  /** The latest report of each step run in this session, by step key. */
  private readonly latest = new Map<string, StepReport>();
  private interrupted = false;
  private lastDurationMs: number | null = null;
  /** Each step found again in the document as it is now (see `Places`). */
  private readonly places: Places;

  private constructor(
    readonly prepared: Prepared,
    readonly player: Player,
    /** Steps left after a resume: the ones the resumed sessions completed are not run again. */
    readonly steps: RunStep[],
    readonly resumedFrom: { session: string; done: number } | null,
  ) {
    this.places = new Places(prepared.doc.model, [...prepared.steps, ...prepared.rollback]);
  }

  /** Takes the document's lock, restores the shell state when resuming, starts the shell and journal. */
  static async start(prepared: Prepared, options: StartOptions): Promise<Session> {
    const { doc, file } = prepared;
    // Every host a selected block names is reached before the document is locked or anything runs.
    let remote: RemoteHosts | null = null;
    try {
      remote = await RemoteHosts.connect(prepared, options.command, options.env ?? process.env);
    } catch (error) {
      doc.close();
      throw error;
    }
    try {
      doc.lock(`runbook ${options.command}`);
      // Holding the lock, the last session's tool is gone; if that session never ended, what it
      // started may still run (the block it was in among them): never start it again beside itself.
      const stray = prepared.unfinished?.ended === null ? prepared.unfinished.running : [];
      if (stray.length) {
        const listed = stray.map((p) => `pid ${p.pid} (${redact(p.command, prepared.secrets)})`).join(', ');
        throw new UserError(`${file}: the last session (${prepared.unfinished!.id}) never ended, and what it started is still running: ${listed}; stop those processes (kill PID) or let them finish, then start again`);
      }
    } catch (error) {
      await remote?.close();
      doc.close();
      throw error;
    }
    try {
      let steps = prepared.steps;
      let resumed: { session: string; done: number } | null = null;
      let restore = undefined;
      if (options.resume) {
        const point = resumePoint(file, doc, steps);
        steps = point.rest;
        resumed = { session: point.session, done: point.done };
        restore = readState(statePath(file)) ?? undefined;
        if (restore && !isDirectory(restore.cwd)) {
          throw new UserError(`${file}: cannot resume: the folder the session was in, ${restore.cwd}, no longer exists (run without resuming to start over)`);
        }
      }
      const player = await Player.open(
        doc,
        { cwd: prepared.startIn, env: prepared.env, secrets: prepared.secrets, operator: options.operator, version: options.version, timeoutMs: prepared.timeoutMs, restore, onStray: options.onStray, timeline: prepared.timeline, remote, targets: prepared.targets, keepGoing: prepared.onFailure === 'continue' },
        resumed?.session ?? null,
      );
      player.journal.append('variables', { names: Object.keys(prepared.variables.values), sources: prepared.variables.sources });
      if (prepared.missing.length) player.journal.append('prompt', { names: prepared.missing.map((m) => m.name) });
      return new Session(prepared, player, steps, resumed);
    } catch (error) {
      await remote?.close();
      doc.close();
      throw error;
    }
  }

  /**
   * The steps to run, in order, as the failure policy has them: after a failing step, `stop`
   * ends the plan, `continue` goes on, `rollback` runs the rollback path and ends. Never the
   * rollback path after success. An interrupt ends the plan, as does the session's end from
   * outside (the tool told to stop: SIGTERM, SIGHUP), whatever the policy.
   */
  *plan(): Generator<RunStep> {
    for (const step of this.steps) {
      if (this.stopped) return;
      yield step;
      if (this.stopped) return;
      if (!this.latest.get(keyOf(step))?.failed || this.prepared.onFailure === 'continue') continue;
      if (this.prepared.onFailure === 'rollback') yield* this.rollbackPlan();
      return;
    }
  }

  private *rollbackPlan(): Generator<RunStep> {
    this.player.journal.append('rollback', { steps: this.prepared.rollback.length });
    for (const step of this.prepared.rollback) {
      if (this.stopped) return;
      yield step;
    }
  }

  /** Whether no further step may start: the operator interrupted, or the session was ended. */
  private get stopped(): boolean {
    return this.interrupted || this.player.ended;
  }

  /** Runs one step (a block, optionally as the operator edited it, or a scenario row) and records it. */
  async run(step: RunStep, onEvent: (event: StepEvent) => void, edit?: BlockEdit): Promise<StepReport> {
    let report: StepReport;
    const at = this.places.find(this.prepared.doc.model, step);
    if (at === null) {
      this.player.journal.append(step.kind === 'block' ? 'block-lost' : 'scenario-lost', step.kind === 'block' ? { block: step.block.index, name: step.block.name, line: step.block.line } : { scenario: step.scenario.index, id: step.scenario.id, line: step.scenario.line });
      report = { step, status: 'failed', outcome: 'failed', failed: true, reason: LOST, durationMs: 0, exitCode: null, cwd: this.player.shell.cwd, changedVars: [], evidence: [] };
    } else if (step.kind === 'block') {
      const skip = this.prepared.skips.get(step.block.index);
      if (skip) {
        this.player.skip(at, skip);
        report = { step, status: 'skipped', outcome: 'skipped', failed: false, reason: skip, durationMs: 0, exitCode: null, cwd: this.player.shell.cwd, changedVars: [], evidence: [] };
      } else {
        const record = await this.player.runBlock(at, onEvent, edit);
        report = blockReport(step, record);
      }
    } else {
      const record = await this.player.runScenario(at, onEvent);
      report = scenarioReport(step, record, this.player.shell.cwd);
    }
    if (report.durationMs && report.outcome !== 'skipped') this.lastDurationMs = report.scenario?.measuredMs ?? report.durationMs;
    this.latest.set(keyOf(step), report);
    return report;
  }

  /**
   * Saves the operator's edit of a block into the document, before it runs. One that cannot be
   * saved (it holds a secret's value, or would not read back as the block's code) is refused with
   * a UserError and nothing is written.
   */
  saveEdit(step: RunStep, script: string): void {
    if (step.kind !== 'block') throw new UserError('only a block can be edited');
    const at = this.places.find(this.prepared.doc.model, step);
    if (at === null) throw new UserError(`the edit was not saved: ${LOST.replace(/^not run: /, '')}`);
    this.player.saveEdit(at, script);
    this.places.replan(this.prepared.doc.model, step, at);
  }

  /**
   * The block a step runs, as the document has it now (found again after someone else's edit,
   * see `Places`), or null when it is no longer there as planned: what the screen shows and the
   * operator edits is then what would run.
   */
  blockOf(step: RunStep): Block | null {
    if (step.kind !== 'block') return null;
    const at = this.places.find(this.prepared.doc.model, step);
    return at === null ? null : this.prepared.doc.model.blocks[at]!;
  }

  /** Records a step the operator skipped. */
  skip(step: RunStep, reason: string): void {
    if (step.kind === 'block') this.player.skip(this.places.find(this.prepared.doc.model, step) ?? step.block.index, reason);
    else this.player.journal.append('scenario-skip', { scenario: step.scenario.index, id: step.scenario.id, line: step.scenario.line, reason });
    this.latest.delete(keyOf(step));
  }

  /** Stops the running step; the plan ends after it. */
  interrupt(): void {
    if (!this.interrupted) this.player.journal.append('abort', { reason: 'interrupted by the operator' });
    this.interrupted = true;
    this.player.cancel();
  }

  /** Stops the running step only (play's Ctrl-C while a block runs); the session goes on. */
  cancelStep(): void {
    this.player.cancel();
  }

  /** Reports of the steps run in this session, latest per step, in the order they ran. */
  reports(): StepReport[] {
    return [...this.latest.values()];
  }

  /**
   * Whether the session failed: it was interrupted, an edit of its could not be merged with
   * someone else's (a conflict file was kept), or a step it covers ends failed, timed out or
   * canceled — by its latest run in this session, else by what the document records (a block
   * canceled when the last session's terminal closed still counts when the operator quits).
   */
  failed(): boolean {
    if (this.interrupted || this.prepared.doc.conflicts.length || this.reports().some((r) => r.failed)) return true;
    return this.steps.some((s) => !this.latest.has(keyOf(s)) && recordedFailure(this.prepared.doc.model, s, this.places.find(this.prepared.doc.model, s)));
  }

  /** The exit code: 0 when nothing failed, 1 when something did (see docs/execution.md). */
  exitCode(): number {
    return this.failed() ? EXIT.failure : EXIT.ok;
  }

  /** How the session ends in the journal: passed, failed, canceled, or incomplete (steps left). */
  outcome(): 'passed' | 'failed' | 'canceled' | 'incomplete' {
    if (this.interrupted) return 'canceled';
    if (this.failed()) return 'failed';
    const left = this.steps.filter((s) => !this.latest.has(keyOf(s)) && !done(this.prepared.doc.model, s, this.places.find(this.prepared.doc.model, s)));
    return left.length ? 'incomplete' : 'passed';
  }

  /** Processes the session started that are still running (a service a block put in the background). */
  running(): SessionProcess[] {
    return this.player.shell.processes();
  }

  /**
   * Ends the session: journal, shell, lock. What becomes of the processes it started: `leave`
   * keeps them running (journaled with their PIDs, so a resume can say which are still alive),
   * `stop` ends them all, `setsid` ones included; by default they are stopped but for those that
   * left for a session of their own, which each block's record already names.
   */
  async end(options: { processes?: 'leave' | 'stop' } = {}): Promise<void> {
    const running = options.processes ? this.running() : [];
    if (options.processes === 'leave' && running.length) this.player.journal.append('left-running', { processes: running.map(({ pid, command }) => ({ pid, command })) });
    if (options.processes === 'stop' && running.length) await this.player.shell.stop(running.map((p) => p.pid));
    const reports = this.reports();
    const scenarios = reports.flatMap((r) => (r.scenario ? [r.scenario] : []));
    if (scenarios.length) this.player.journal.append('summary', { scenarios: scenarios.map(({ tail: _tail, ...rest }) => rest) });
    await this.player.close(this.outcome(), { ran: reports.length, failed: reports.filter((r) => r.failed).length }, { leave: options.processes === 'leave' });
  }

  /** Ticks or unticks a task, or the checkbox cell of a row, and journals it. */
  toggle(step: Step, column: number): { status: Step['status']; message: string; label?: string } {
    const { doc } = this.prepared;
    if (step.kind === 'task') {
      const task = doc.model.tasks[step.ref]!;
      const checked = !task.checked;
      const [report] = this.player.write([{ kind: 'task', anchor: taskAnchor(doc.model, task.index) as Anchor & { kind: 'task' }, checked }]);
      if (!report) return { status: step.status, message: this.conflictText() };
      this.player.journal.append('tick', { line: report!.line, what: report!.what, to: report!.after });
      return { status: checked ? 'ticked' : 'pending', message: `${report!.what}: ${report!.before} → ${report!.after}` };
    }
    if (step.kind !== 'row' && step.kind !== 'scenario') return { status: step.status, message: 'space ticks a task or a checkbox cell' };
    const cells = doc.model.tables[step.ref]!.rows[step.row!]!.cells;
    const col = cells[column]?.kind === 'checkbox' ? column : cells.findIndex((c) => c.kind === 'checkbox');
    if (col === -1) return { status: step.status, message: 'this row has no checkbox' };
    const state = cells[col]!.checkbox === 'unchecked' ? 'checked' : 'unchecked';
    const [report] = this.player.write([{ kind: 'checkbox', anchor: cellAnchor(doc.model, step.ref, step.row!, col) as Anchor & { kind: 'cell' }, state }]);
    if (!report) return { status: step.status, message: this.conflictText() };
    this.player.journal.append('tick', { line: report!.line, what: report!.what, to: report!.after });
    const status = step.kind === 'scenario' ? (state === 'checked' ? 'passed' : 'pending') : state === 'checked' ? 'ticked' : 'info';
    return { status, message: `${report!.what}: ${report!.before} → ${report!.after}`, label: this.rowLabel(step) };
  }

  /**
   * How many pre-flight items are unticked above block `index`: tasks before it in its section
   * that own no block (a task that owns a block is that block's own box).
   */
  untickedBefore(index: number): number {
    const model = this.prepared.doc.model;
    const block = model.blocks[index];
    if (!block) return 0;
    const owning = new Set(model.blocks.filter((b) => b.runnable && b.task !== null).map((b) => b.task));
    return model.tasks.filter((t) => t.section === block.section && t.span.end <= block.span.start && !t.checked && !owning.has(t.index)).length;
  }

  /** What a cell offers before the operator types: the time in a time column, the last duration in a duration column. */
  prefill(step: Step, column: number): string {
    const table = this.prepared.doc.model.tables[step.ref]!;
    const name = table.header[column]?.trim() ?? '';
    if (TIME_COLUMN.test(name)) return formatTime(new Date());
    if (DURATION_COLUMN.test(name) && this.lastDurationMs !== null) return formatSeconds(this.lastDurationMs);
    const cell = table.rows[step.row!]!.cells[column];
    return cell?.kind === 'fillable' ? '' : (cell?.text ?? '');
  }

  /** Fills a cell of a row and journals it. */
  fill(step: Step, column: number, value: string): { message: string; label?: string } {
    const { doc } = this.prepared;
    const [report] = this.player.write([{ kind: 'fill', anchor: cellAnchor(doc.model, step.ref, step.row!, column) as Anchor & { kind: 'cell' }, value }]);
    if (!report) return { message: this.conflictText() };
    this.player.journal.append('fill', { line: report!.line, what: report!.what });
    return { message: `${report!.what}: ${report!.before || '(empty)'} → ${report!.after}`, label: this.rowLabel(step) };
  }

  /** The last conflict with someone else's edit, in one line for the operator. */
  conflictText(): string {
    const conflict = this.prepared.doc.conflicts.at(-1);
    return conflict ? conflictText(conflict) : '';
  }

  /** A table row as the outline shows it, from the current model. */
  rowLabel(step: Step): string {
    const model = this.prepared.doc.model;
    if (step.kind === 'scenario') return scenarioLabel(model, step.scenario!);
    return model.tables[step.ref]!.rows[step.row!]!.cells.map((c) => c.text || '·').join(' | ');
  }
}

/** Whether the document records a step as failed: its result line, or its scenario row's ❌. */
function recordedFailure(model: Runbook, step: RunStep, at: number | null): boolean {
  if (at === null) return false;
  if (step.kind === 'block') return FAILED.has(model.blocks[at]?.result?.outcome ?? '');
  const scenario = model.scenarios[at];
  if (!scenario || scenario.columns.box === -1) return false;
  return model.tables[scenario.table]?.rows[scenario.row]?.cells[scenario.columns.box]?.checkbox === 'failed';
}

function keyOf(step: RunStep): string {
  return step.kind === 'block' ? `b${step.block.index}` : `s${step.scenario.index}`;
}

/** Whether the document already records a step as done (a resumed or earlier session's pass). */
function done(model: Runbook, step: RunStep, at: number | null): boolean {
  if (at === null) return false;
  if (step.kind === 'block') return model.blocks[at]?.result?.outcome === 'passed';
  return false;
}

function blockReport(step: RunStep, record: BlockRecord): StepReport {
  const failed = FAILED.has(record.outcome);
  return { step, status: record.outcome === 'passed' ? 'passed' : 'failed', outcome: record.outcome, failed, reason: record.reason, durationMs: record.durationMs, exitCode: record.exitCode, cwd: record.cwd, changedVars: record.changedVars, unsetVars: record.unsetVars ?? [], edited: record.edited, block: record, evidence: record.evidenceLines };
}

function scenarioReport(step: RunStep, record: ScenarioRecord, cwd: string): StepReport {
  const failed = FAILED.has(record.outcome);
  const status: Step['status'] = record.outcome === 'passed' ? 'passed' : failed ? 'failed' : 'skipped';
  // A broken gate is not the command's failure: its exit status is left out.
  const exitCode = record.gateMet === false ? null : record.exitCode;
  return { step, status, outcome: record.outcome, failed, reason: record.reason, durationMs: record.durationMs, exitCode, cwd, changedVars: [], scenario: record, evidence: record.evidence?.lines ?? [] };
}

/** A scenario's outcome and reason in one line, as play's status line and run's summary say it. */
export function scenarioLine(record: ScenarioRecord): string {
  return `${scenarioOutcomeText(record)}${record.reason && !outcomeGivesReason(record) ? ` · ${record.reason}` : ''}`;
}

export type { SessionProcess };
