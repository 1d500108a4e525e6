import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { monotonicMs } from '../clock.js';
import { randomHex } from '../random.js';
import { blockAnchor, taskAnchor, type Anchor } from '../document/anchors.js';
import { ConflictError } from '../document/conflict.js';
import { UserError } from '../errors.js';
import type { Change, ChangeReport, Document } from '../document/document.js';
import { formatTime } from '../document/time.js';
import { redact } from '../executor/redact.js';
import { ShellSession } from '../executor/session.js';
import { stateForDisk, type ShellState } from '../executor/state.js';
import type { BlockOutcome, SessionProcess } from '../executor/types.js';
import { evidenceCap, evidenceColumn, formatEvidence, formatResultLine, formatSeconds, isTranscript, meetsGate, runnableScript, type Block, type BlockResult, type Scenario } from '../parser/index.js';
import { fanOut, HostPrefixer, summarize, type HostRecord } from './fanout.js';
import type { RemoteHosts } from './hosts.js';
import type { HostEntry } from './inventory.js';
import { pollUntil, scenarioPolling, type StepEvent } from './poll.js';
import { rowChanges, type ScenarioRecord } from './scenario.js';
import { EvidenceStore, evidenceLines, namedFiles, type EvidenceItem } from './evidence.js';
import { keepsEvidence } from './steps.js';
import { ganttChart } from './gantt.js';
import { codeDigest, Journal, journalPath, logPath, makeRecordDir, readJournal, statePath } from './journal.js';
import { buildTimeline } from './timeline.js';
import { LastLines, placeReason, stoppedReason } from './reason.js';
import { runbookSecrets } from './secrets.js';

/** What a finished block came to, as reports and the journal tell it. */
export interface BlockRecord extends Pick<BlockOutcome, 'exitCode' | 'signal' | 'timedOut' | 'canceled' | 'durationMs' | 'changedVars' | 'unsetVars' | 'cwd' | 'tail'> {
  index: number;
  name: string | null;
  line: number;
  outcome: BlockResult['outcome'];
  /** Why the block did not start, or why its wait for recovery failed. */
  reason: string | null;
  /** With `until=`: ms from the block's start to the first passing check, or null. */
  recoveredMs: number | null;
  /** Processes the block started that were still running when it ended (see `BlockOutcome.left`). */
  left: SessionProcess[];
  /** Of a block on other hosts: how it went on each host that ran it, in the order they started. */
  hosts?: HostRecord[];
  /** Of a block on other hosts: where, as its result line says (`3/3 hosts`, `db-2 (1 of 3)`). */
  on?: string;
  /** Whether what ran was the operator's edit of the block. */
  edited: boolean;
  /** What the block kept as evidence (empty unless it keeps evidence), and the line written for it. */
  evidence: EvidenceItem[];
  evidenceLine: string | null;
  /** The evidence kept, one line each, masked, as `run` prints it and `play` shows it. */
  evidenceLines: string[];
}

/** The operator's edit of a block: the text to run, and whether it was saved into the document first. */
export interface BlockEdit {
  script: string;
  saved: boolean;
}

/** What the player runs: a script, and optionally a check to poll until recovery. */
interface StepSpec {
  script: string;
  /** The document line of the script's first line, when the script is as the document has it. */
  firstLine: number | null;
  cwd?: string;
  timeoutMs: number | null;
  errexit: boolean;
  pipefail: boolean;
  until: string | null;
  everyMs: number;
  withinMs: number;
}

/** How a player is set up. */
export interface PlayerOptions {
  env: Record<string, string>;
  secrets: string[];
  /** Who operates, or how to look it up: asked once the shell is starting, so both go on at once. */
  operator: string | (() => Promise<string>);
  version: string;
  /** Default time limit per block, ms, or null. */
  timeoutMs: number | null;
  onStray?: (stream: 'stdout' | 'stderr', text: string) => void;
  restore?: ShellState;
  graceMs?: number;
  /** Where the first block starts (see `startDir`); the document's folder when not given. */
  cwd?: string;
  /** The session's other hosts, connected before anything ran; null when no block names one. */
  remote?: RemoteHosts | null;
  /** The hosts each block on other hosts runs on, by block index. */
  targets?: Map<number, HostEntry[]>;
  /** After a host fails, the block goes on with the other hosts of its group. */
  keepGoing?: boolean;
  /** Write the session's timeline at the end of the document when it ends (see `writeTimeline`). */
  timeline?: boolean;
}

/** A block's output as it streams, kept up to the evidence cap; the total is counted past it. */
class OutputCapture {
  private chunks: string[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly cap: number) {}

  push(event: StepEvent): void {
    if (event.type !== 'output') return;
    const bytes = Buffer.byteLength(event.text);
    this.total += bytes;
    if (this.kept > this.cap) return;
    this.chunks.push(event.text);
    this.kept += bytes;
  }

  text(): string {
    return this.chunks.join('');
  }
}

/** The last non-empty line of a text, trimmed, or null. */
function lastLine(text: string): string | null {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim());
  return lines.length ? lines[lines.length - 1]!.trim() : null;
}

/** What a failed check came to, in one line: its exit status and the last line it printed. */
function checkSaid(outcome: BlockOutcome): string {
  const status = outcome.timedOut ? 'timed out' : outcome.exitCode !== null ? `exit ${outcome.exitCode}` : (outcome.signal ?? 'failed');
  const said = lastLine(outcome.tail);
  return said ? `${status}: ${said}` : status;
}

/** The outcome of an executor result, in the words of result lines. */
export function outcomeOf(result: BlockOutcome): BlockResult['outcome'] {
  if (result.timedOut) return 'timed out';
  if (result.canceled) return 'canceled';
  return result.exitCode === 0 && !result.error ? 'passed' : 'failed';
}

/**
 * Plays a document's blocks: runs each in the session's shell, writes its result line and ticks
 * its task through `Document` as soon as it ends, and journals every step. Holds no terminal:
 * `run` and `play` drive it.
 */
export class Player {
  private running: { cancel(): void } | null = null;
  /** The block under way, so an abort can wait for it to be recorded. */
  private current: Promise<unknown> | null = null;
  /**
   * Whether this session ran a step or changed the document: one that only looked (a template
   * opened in `play` and quit) leaves the file as it was, with no timeline of nothing.
   */
  private acted = false;
  private closed = false;
  /** Set by `cancel`, so a wait for recovery stops too. */
  private stopped = false;
  /** The output log, open for appending for the whole session. */
  private readonly log: number;

  private constructor(
    readonly doc: Document,
    readonly shell: ShellSession,
    readonly journal: Journal,
    private readonly options: PlayerOptions & { operator: string },
  ) {
    this.log = openSync(logPath(doc.path), 'a', 0o600);
  }

  /** Starts the shell (in `options.cwd`, else the document's folder) and opens the journal. */
  static async open(doc: Document, options: PlayerOptions, resumeOf: string | null = null): Promise<Player> {
    const cwd = options.cwd ?? dirname(resolve(doc.path));
    // Values given after setup (a prompt's answer) are in the environment: mask them from the start.
    options = { ...options, secrets: runbookSecrets(doc.model, options.env, options.secrets).values };
    const starting = ShellSession.start({
      cwd,
      env: options.env,
      secrets: options.secrets,
      onStray: options.onStray,
      restore: options.restore,
      graceMs: options.graceMs,
    });
    const naming = typeof options.operator === 'string' ? options.operator : options.operator();
    doc.prepareWrites();
    const [shell, operator] = await Promise.all([starting, naming]);
    makeRecordDir(doc.path);
    const journal = new Journal(journalPath(doc.path), randomHex(6));
    journal.append('session-start', {
      document: doc.path,
      sha256: doc.source.hash,
      host: hostname(),
      operator,
      version: options.version,
      resumeOf,
      // The mark every process the session starts carries: a session that never ended (the tool
      // killed) is known by it to have processes still running.
      mark: shell.mark,
    });
    return new Player(doc, shell, journal, { ...options, operator });
  }

  /** Who operates this session, as result lines and reports name them. */
  get operator(): string {
    return this.options.operator;
  }

  /** Masks secret values in text the tool writes. */
  mask(text: string): string {
    return redact(text, this.options.secrets);
  }

  /** The time limit for a block: its `timeout=` option, else the default. */
  timeoutOf(block: Block): number | null {
    return block.timeoutMs ?? this.options.timeoutMs;
  }

  /**
   * Runs one block (or the operator's edit of it), streaming events to `onEvent`, then records
   * it: journal, result line (which says the block was edited), owning task.
   */
  runBlock(index: number, onEvent: (event: StepEvent) => void, edit?: BlockEdit): Promise<BlockRecord> {
    if (this.closed) return Promise.reject(new Error('the session is closed'));
    const run = this.execute(index, onEvent, edit);
    this.current = run;
    return run.finally(() => {
      if (this.current === run) this.current = null;
    });
  }

  private async execute(index: number, onEvent: (event: StepEvent) => void, edit?: BlockEdit): Promise<BlockRecord> {
    this.acted = true;
    const block = this.doc.model.blocks[index]!;
    const anchor = blockAnchor(this.doc.model, index) as Anchor & { kind: 'block' };
    const edited = edit !== undefined && (edit.saved || edit.script !== block.body);
    // The journal keeps the text the operator ran, masked, and whether it is now the block's.
    if (edited) this.journal.append('edit', { block: index, name: block.name, line: block.line, body: this.mask(edit.script), saved: edit.saved });
    // An operator's edit keeps its prompts too: what runs is without them either way.
    const command = runnableScript(edit?.script ?? block.body);
    // zsh blocks run in a zsh started from the session's shell: they see its exported variables
    // and directory, but what they change does not come back.
    const runs = block.lang === 'zsh' ? `zsh -c '${command.replace(/'/g, `'\\''`)}'` : command;
    const cwd = block.cwd === null ? undefined : isAbsolute(block.cwd) ? block.cwd : resolve(dirname(resolve(this.doc.path)), block.cwd);
    this.journal.append('block-start', { block: index, name: block.name, line: block.line, command: this.mask(command), edited, cwd: cwd ?? this.shell.cwd });
    writeSync(this.log, `\n=== ${formatTime(new Date())} block ${index + 1}${block.name ? ` (${block.name})` : ''} at line ${block.line}\n`);
    const logFrom = fstatSync(this.log).size;
    const timeoutMs = this.timeoutOf(block);
    const hosts = this.options.targets?.get(index);
    const startCwd = cwd ?? this.shell.cwd;
    const startedAt = Date.now();
    const output = keepsEvidence(this.doc.model, block) ? new OutputCapture(this.evidence.cap) : null;
    const { result, recoveredMs, reason, on, records } = await this.performOn(
      hosts,
      block.parallel,
      {
        script: runs,
        firstLine: runs === runnableScript(block.body) && !isTranscript(block.body) ? block.line + 1 : null,
        // On another host, `cwd=` names a folder there, as written.
        cwd: hosts ? (block.cwd ?? undefined) : cwd,
        timeoutMs,
        errexit: block.errexit,
        pipefail: block.pipefail,
        until: block.until,
        everyMs: block.everyMs ?? 1000,
        withinMs: block.withinMs ?? timeoutMs ?? 60_000,
      },
      { block: index },
      output ? (event) => (output.push(event), onEvent(event)) : onEvent,
    );
    // The state is saved first: secrets the block created are then known, and masked in all
    // that is recorded of it (the document, the journal, reports), the log of its output too.
    const known = this.options.secrets;
    this.saveState();
    if (this.options.secrets.some((value) => !known.includes(value))) this.maskLogFrom(logFrom);
    const masked = (text: string | null) => (text === null ? null : this.mask(text));
    const record: BlockRecord = {
      index,
      name: block.name,
      line: block.line,
      outcome: reason && !result.canceled && !result.timedOut ? 'failed' : outcomeOf(result),
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      canceled: result.canceled,
      durationMs: Math.round(result.durationMs),
      changedVars: result.changedVars,
      unsetVars: result.unsetVars ?? [],
      cwd: result.cwd,
      tail: this.mask(result.tail),
      reason: masked(reason),
      recoveredMs,
      left: result.left ?? [],
      edited,
      evidence: [],
      evidenceLine: null,
      evidenceLines: [],
      ...(records ? { hosts: records.map((r) => ({ ...r, reason: masked(r.reason) })), on } : {}),
    };
    this.journal.append('block-end', { block: index, name: block.name, line: block.line, code: codeDigest(block.body), ...(record.hosts ? { on, hosts: record.hosts } : {}), outcome: record.outcome, exitCode: record.exitCode, signal: record.signal, durationMs: record.durationMs, changedVars: record.changedVars, cwd: record.cwd, error: record.reason, recoveredMs, left: record.left });
    if (output) this.keepEvidence(block, record, output, command, startCwd, startedAt);
    this.record(anchor, block, record);
    return record;
  }

  /** The session's evidence folder (created with the first copy). */
  private get evidence(): EvidenceStore {
    this.store ??= new EvidenceStore(this.doc.path, this.journal.session, () => this.options.secrets, evidenceCap(this.options.env));
    return this.store;
  }

  private store: EvidenceStore | null = null;

  /** Stores a step's output and the files it named, and journals each copy (or note). */
  private keep(subject: Record<string, unknown>, outputName: string, output: OutputCapture, files: Array<{ written: string; path: string | null }>): EvidenceItem[] {
    const items = [this.evidence.keepOutput(outputName, output.text(), output.total), ...files.map((file) => this.evidence.keepFile(file.written, file.path))];
    for (const item of items) {
      this.journal.append('evidence', { ...subject, file: item.name, source: item.source === null ? null : this.mask(item.source), bytes: item.bytes, sha256: item.sha256Full, note: item.sha256Full ? null : item.detail });
    }
    return items;
  }

  /**
   * Keeps a block's output and the files it named as evidence: copied, hashed and journaled; the
   * line naming them is written with the result line.
   */
  private keepEvidence(block: Block, record: BlockRecord, output: OutputCapture, script: string, cwd: string, startedAt: number): void {
    const items = this.keep({ block: block.index, name: block.name, line: block.line }, `${block.name ?? `block-${block.line}`}.out`, output, namedFiles(block.evidenceFiles, script, this.shell.snapshot(), this.options.env, cwd, startedAt));
    record.evidence = items;
    record.evidenceLine = this.mask(formatEvidence(items));
    record.evidenceLines = evidenceLines(items).map((line) => this.mask(line));
  }

  /**
   * Masks, in the output log from `from` on, the secrets learned since it was written: what the
   * block that made a secret printed of it went to the log before its value was known.
   */
  private maskLogFrom(from: number): void {
    const size = fstatSync(this.log).size;
    if (size <= from) return;
    const reader = openSync(logPath(this.doc.path), 'r');
    const bytes = Buffer.alloc(size - from);
    try {
      for (let at = 0; at < bytes.length; ) {
        const read = readSync(reader, bytes, at, bytes.length - at, from + at);
        if (read === 0) break;
        at += read;
      }
    } finally {
      closeSync(reader);
    }
    const text = bytes.toString('utf8');
    const masked = this.mask(text);
    if (masked === text) return;
    ftruncateSync(this.log, from);
    writeSync(this.log, masked);
  }

  /** The state file's content as this session last wrote it. */
  private savedState: string | null = null;

  /**
   * Keeps the shell's variables and directory beside the journal, for `--resume`, without any
   * secret; secrets the block created are masked from now on. A block that changed neither
   * variables nor directory (most do not) would write the same bytes again: the file already
   * holds them, and only this session, holding the document's lock, writes it.
   */
  private saveState(): void {
    const snapshot = this.shell.snapshot();
    const secrets = runbookSecrets(this.doc.model, snapshot, this.options.secrets);
    this.options.secrets = secrets.values;
    this.shell.addSecrets(secrets.values);
    this.options.remote?.addSecrets(secrets.values);
    const state = stateForDisk(snapshot, secrets.names, secrets.values);
    if (state === this.savedState) return;
    writeFileSync(statePath(this.doc.path), state, { mode: 0o600 });
    this.savedState = state;
  }

  /** The prefix of each line a host writes to the log. */
  private readonly logPrefix = new HostPrefixer();

  /**
   * Runs a step here, or on each of `hosts` (at most `parallel` at once; see `fanOut`), each host
   * in its own shell there. The block's outcome on a group is its first failing host's; every
   * host's is journaled.
   */
  private async performOn(hosts: HostEntry[] | undefined, parallel: number, spec: StepSpec, subject: Record<string, unknown>, onEvent: (event: StepEvent) => void): Promise<{ result: BlockOutcome; recoveredMs: number | null; reason: string | null; on?: string; records?: HostRecord[] }> {
    const remote = this.options.remote;
    if (!hosts || !remote) return this.perform(spec, subject, onEvent);
    const started = monotonicMs();
    const records: HostRecord[] = [];
    const runs = new Set<{ cancel(): void }>();
    let stopped = false;
    this.running = { cancel: () => ((stopped = true), runs.forEach((r) => r.cancel())) };
    this.stopped = false;
    let last: BlockOutcome | null = null;
    await fanOut(
      hosts,
      parallel,
      this.options.keepGoing ?? false,
      async (host) => {
        const shell = await remote.shell(host).catch(() => null);
        this.journal.append('host-start', { ...subject, host: host.name });
        onEvent({ type: 'host', host: host.name, outcome: null, durationMs: 0, reason: null });
        const tagged = (event: StepEvent) => {
          if (event.type === 'output') {
            writeSync(this.log, this.logPrefix.push(host.name, event.text));
            onEvent({ ...event, host: host.name });
          } else if (event.type === 'wait') onEvent(event);
        };
        const lost = `connection to ${host.name} lost`;
        const done = shell ? await this.perform(spec, { ...subject, host: host.name }, tagged, shell, runs) : null;
        const result = done?.result ?? null;
        const outcome = result ? (done!.reason && !result.canceled && !result.timedOut ? 'failed' : outcomeOf(result)) : 'failed';
        const record: HostRecord = { host: host.name, outcome, exitCode: result?.exitCode ?? null, signal: result?.signal ?? null, durationMs: Math.round(result?.durationMs ?? 0), reason: done ? done.reason : lost, cwd: result?.cwd ?? '', changedVars: result?.changedVars ?? [] };
        if (result) last = result;
        records.push(record);
        this.journal.append('host-end', { ...subject, ...record });
        onEvent({ type: 'host', host: host.name, outcome, durationMs: record.durationMs, reason: record.reason === null ? null : this.mask(record.reason) });
        return outcome === 'passed';
      },
      () => stopped,
    );
    this.running = null;
    const summary = summarize(records, hosts.length);
    const base: BlockOutcome = last ?? { exitCode: null, signal: null, timedOut: false, canceled: false, durationMs: 0, changedVars: [], cwd: '', cwdChanged: false, tail: '', error: null, left: [] };
    const result: BlockOutcome = {
      ...base,
      exitCode: summary.exitCode,
      signal: summary.signal,
      timedOut: summary.outcome === 'timed out',
      canceled: summary.outcome === 'canceled' || (stopped && summary.outcome === 'passed' && records.length < hosts.length),
      durationMs: monotonicMs() - started,
      changedVars: [...new Set(records.flatMap((r) => r.changedVars))].sort(),
      cwd: records.length === 1 ? records[0]!.cwd : base.cwd,
      error: null,
      left: [],
    };
    return { result, recoveredMs: null, reason: summary.reason === null ? null : this.mask(summary.reason), on: summary.on, records };
  }

  /**
   * Runs a script in the session's shell and, with `until`, then polls that check until it passes
   * or `withinMs` from the start has gone by. The result's duration covers both.
   */
  private async perform(spec: StepSpec, subject: Record<string, unknown>, onEvent: (event: StepEvent) => void, shell: Pick<ShellSession, 'run'> = this.shell, runs?: Set<{ cancel(): void }>): Promise<{ result: BlockOutcome; recoveredMs: number | null; reason: string | null }> {
    const last = new LastLines();
    const running = shell.run(
      { script: spec.script, cwd: spec.cwd, timeoutMs: spec.timeoutMs, errexit: spec.errexit, pipefail: spec.pipefail },
      (event) => {
        if (event.type === 'output') {
          if (!runs) writeSync(this.log, event.text);
          last.push(event.stream, event.text);
        }
        onEvent(event);
      },
    );
    // On a group, each host's run is canceled through the group's own cancel.
    if (runs) runs.add(running);
    else {
      this.running = running;
      this.stopped = false;
    }
    const startedAt = monotonicMs();
    const result = await running.done.finally(() => (runs ? runs.delete(running) : (this.running = null)));
    let recoveredMs: number | null = null;
    let reason = result.error;
    if (spec.until && outcomeOf(result) === 'passed') {
      // When the injection ended and the wait for recovery began: the timeline's detection mark.
      const commandMs = Math.round(result.durationMs);
      const check = this.mask(spec.until);
      const onPoll = (polls: number, outcome: BlockOutcome | null) =>
        onEvent({ type: 'wait', check, polls, last: outcome && this.mask(checkSaid(outcome)), deadlineAt: Date.now() + spec.withinMs - (monotonicMs() - startedAt) });
      // On a group, each check is canceled with the group, as the host's block was.
      let checking: { cancel(): void } | null = null;
      const onRun = (cancel: () => void) => {
        if (!runs) return void (this.running = { cancel });
        if (checking) runs.delete(checking);
        checking = { cancel };
        runs.add(checking);
      };
      const poll = await pollUntil(shell, spec.until, { everyMs: spec.everyMs, withinMs: spec.withinMs, startedAt, stopped: () => this.stopped, onRun, onPoll });
      if (!runs) this.running = null;
      else if (checking) runs.delete(checking);
      result.durationMs = monotonicMs() - startedAt;
      if (poll.passed) recoveredMs = poll.recoveredMs;
      else if (poll.canceled) result.canceled = true;
      else {
        // The step failed because recovery did not come in time, whether the last check had
        // ended or was cut short by the deadline: one outcome, one reason, whatever the load.
        result.exitCode = poll.last?.exitCode ?? null;
        result.timedOut = false;
        const said = poll.last ? lastLine(poll.last.tail) : null;
        reason = `the check \`${this.mask(spec.until)}\` did not pass within ${formatSeconds(spec.withinMs)} (${poll.polls} ${poll.polls === 1 ? 'try' : 'tries'})${said ? `; it last said: ${said}` : ''}`;
      }
      this.journal.append('poll', { ...subject, check: this.mask(spec.until), passed: poll.passed, recoveredMs, polls: poll.polls, commandMs });
    }
    if (!reason && result.timedOut) reason = spec.timeoutMs === null ? 'timed out' : `timed out after ${formatSeconds(spec.timeoutMs)}`;
    else if (!reason && !result.canceled && outcomeOf(result) === 'failed') {
      const said = last.reason(result.stoppedAt ? { said: stoppedReason(result.stoppedAt, result.exitCode, spec.firstLine), command: result.stoppedAt.command } : null);
      reason = said === null ? null : placeReason(said, result.script, spec.firstLine);
    }
    return { result, recoveredMs, reason: reason === null ? null : this.mask(reason) };
  }

  /**
   * Runs one scenario row: its command, then its recovery check if it has one; compares what was
   * measured with the row's gate; fills the row's time, measured and outcome cells and ticks (or
   * marks ❌) its pass column. A row that cannot run, or whose gate is not in words the engine
   * knows, is recorded as such and its box left for the operator: never a silent green box.
   */
  async runScenario(index: number, onEvent: (event: StepEvent) => void): Promise<ScenarioRecord> {
    if (this.closed) throw new Error('the session is closed');
    const run = this.playScenario(index, onEvent);
    this.current = run;
    return run.finally(() => {
      if (this.current === run) this.current = null;
    });
  }

  private async playScenario(index: number, onEvent: (event: StepEvent) => void): Promise<ScenarioRecord> {
    this.acted = true;
    const scenario = this.doc.model.scenarios[index]!;
    const started = new Date();
    const base = { index, id: scenario.id, name: scenario.name, line: scenario.line, gate: scenario.gateText, gateRule: scenario.gate?.text ?? null, startedAt: formatTime(started) };
    this.journal.append('scenario-start', { scenario: index, id: scenario.id, name: scenario.name, line: scenario.line, command: scenario.command === null ? null : this.mask(scenario.command), until: scenario.until === null ? null : this.mask(scenario.until), gate: scenario.gateText });
    let record: ScenarioRecord;
    if (scenario.command === null) {
      record = { ...base, outcome: 'skipped', exitCode: null, signal: null, durationMs: 0, measuredMs: null, gateMet: null, reason: scenario.problem, tail: '' };
    } else {
      writeSync(this.log, `\n=== ${formatTime(started)} scenario ${scenario.id} at line ${scenario.line}\n`);
      const gate = scenario.gate;
      const polling = scenarioPolling(this.doc.model.frontMatter?.data ?? {});
      // Without a limit of its own, a wait for recovery gets twice the gate, so a breach is still measured.
      const withinMs = polling.withinMs ?? this.options.timeoutMs ?? (gate && (gate.op === '<' || gate.op === '<=') ? Math.max(10_000, gate.seconds * 2000) : 60_000);
      // A row of a table with an Evidence column keeps its output and the files its command writes there.
      const evidenceAt = evidenceColumn(this.doc.model.tables[scenario.table]!.header);
      const output = evidenceAt === -1 ? null : new OutputCapture(this.evidence.cap);
      const startCwd = this.shell.cwd;
      const { result, recoveredMs, reason } = await this.perform(
        { script: scenario.command, firstLine: null, timeoutMs: this.options.timeoutMs, errexit: true, pipefail: true, until: scenario.until, everyMs: polling.everyMs, withinMs },
        { scenario: index },
        output ? (event) => (output.push(event), onEvent(event)) : onEvent,
      );
      const ran = outcomeOf(result);
      const measuredMs = ran !== 'passed' || reason ? null : (recoveredMs ?? Math.round(result.durationMs));
      const gateMet = measuredMs === null || !gate ? null : meetsGate(gate, measuredMs / 1000);
      let outcome: ScenarioRecord['outcome'] = reason && ran === 'passed' ? 'failed' : ran;
      let why = reason;
      if (outcome === 'passed' && gateMet === false) {
        outcome = 'failed';
        why = `measured ${formatSeconds(measuredMs!)}, which breaks the gate "${gate!.text}"`;
      } else if (outcome === 'passed' && scenario.gateText !== null && !gate) {
        outcome = 'needs judgment';
        why = `the gate "${scenario.gateText}" is not in words runbook can measure; judge it and tick the row yourself`;
      } else if (outcome !== 'passed' && !why) {
        why = result.exitCode !== null ? `exit ${result.exitCode}` : result.signal;
      }
      record = { ...base, outcome, exitCode: result.exitCode, signal: result.signal, durationMs: Math.round(result.durationMs), measuredMs, gateMet, reason: why, tail: result.tail, recoveredAt: recoveredMs === null ? undefined : formatTime(new Date(started.getTime() + recoveredMs)) };
      this.saveState();
      if (output) {
        const files = namedFiles([], scenario.command, this.shell.snapshot(), this.options.env, startCwd, started.getTime());
        const items = this.keep({ scenario: index, id: scenario.id, line: scenario.line }, `scenario-${scenario.id || scenario.line}.out`, output, files);
        record.evidence = { column: evidenceAt, text: this.mask(formatEvidence(items, true)), lines: evidenceLines(items).map((line) => this.mask(line)) };
      }
    }
    const { tail: _tail, ...journaled } = record;
    this.journal.append('scenario-end', { scenario: index, ...journaled });
    this.recordRow(scenario, record);
    this.scenarios.push(record);
    return record;
  }

  /** Writes a scenario's record into its row, in one write. */
  private recordRow(scenario: Scenario, record: ScenarioRecord): void {
    const changes = rowChanges(this.doc.model, scenario, record, (text) => this.mask(text));
    if (!changes.length) return;
    for (const report of this.write(changes)) if (report.changed) this.journal.append('fill', { line: report.line, what: report.what });
  }

  /** Scenarios run in this session, in order, for the summary. */
  readonly scenarios: ScenarioRecord[] = [];

  /** Writes the result line (and the evidence line under it) and, when the block passed, ticks the task that owns it. */
  private record(anchor: Anchor & { kind: 'block' }, block: Block, record: BlockRecord): void {
    const line = formatResultLine({
      outcome: record.outcome,
      edited: record.edited,
      exitCode: record.exitCode,
      signal: record.signal,
      durationMs: record.durationMs,
      at: formatTime(new Date()),
      operator: this.options.operator,
      reason: record.outcome === 'passed' ? null : record.reason,
      on: record.on,
    });
    const changes: Change[] = [{ kind: 'result', anchor, line: this.mask(line), evidence: record.evidenceLine ?? undefined }];
    if (record.outcome === 'passed' && block.task !== null) {
      changes.push({ kind: 'task', anchor: taskAnchor(this.doc.model, block.task) as Anchor & { kind: 'task' }, checked: true, owner: anchor });
    }
    const reports = this.write(changes);
    if (reports[1]?.changed) this.journal.append('tick', { line: reports[1].line, what: reports[1].what });
  }

  /**
   * Writes a step's record into the document. Someone else's edit meanwhile is merged by the
   * document; where it cannot be, their version stays, ours is kept beside it, and the session
   * journals the conflict and goes on (it fails at the end: see `Session.failed`).
   */
  write(changes: Change[]): ChangeReport[] {
    this.acted = true;
    try {
      return this.doc.apply(changes);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const { kept, changes: lost, reason } = error.conflict;
      this.journal.append('conflict', { kept, changes: lost, reason });
      return [];
    }
  }

  /**
   * Saves the operator's edit into the document as the block's code, byte for byte outside the
   * lines it changes. An edit holding a secret's value is refused: no secret is written to disk.
   */
  saveEdit(index: number, script: string): void {
    if (this.mask(script) !== script) throw new UserError("the edit holds a secret's value: it is never saved into the document");
    const anchor = blockAnchor(this.doc.model, index) as Anchor & { kind: 'block' };
    const [report] = this.write([{ kind: 'body', anchor, body: script }]);
    if (report?.changed) this.journal.append('save-edit', { block: index, line: report.line, what: report.what });
  }

  /** Records a block skipped by the operator or for a reason (no interpreter, say). */
  skip(index: number, reason: string): void {
    const block = this.doc.model.blocks[index]!;
    this.journal.append('block-skip', { block: index, name: block.name, line: block.line, reason });
  }

  /** Stops the running block (or its wait for recovery), if any. */
  cancel(): void {
    this.stopped = true;
    this.running?.cancel();
  }

  /** Whether the session has closed: ended, or aborted from outside (no step may run after it). */
  get ended(): boolean {
    return this.closed;
  }

  /**
   * Stops the session from outside (the terminal closed, the tool was told to stop): the running
   * block is stopped and recorded as canceled, then the session closes.
   */
  async abort(reason: string): Promise<void> {
    if (this.closed) return;
    this.journal.append('abort', { reason });
    this.cancel();
    await this.current?.catch(() => undefined);
    await this.close('aborted');
  }

  /**
   * Writes the timeline of the session, as its journal tells it, at the end of the document: a
   * Mermaid chart that Git hosts draw. A conflict with someone's edit is recorded like any other;
   * after one, nothing more is written.
   */
  private writeTimeline(): void {
    // After a conflict, their version stays as they left it (see `write`).
    if (this.doc.conflicts.length || !this.acted) return;
    const timeline = buildTimeline(readJournal(this.journal.path), this.doc.model);
    try {
      this.doc.writeTimeline('mermaid', ganttChart(timeline));
    } catch (error) {
      // Someone's version kept (a conflict, recorded), or the document gone: nothing to draw into.
      if (!(error instanceof ConflictError) && !(error instanceof UserError)) throw error;
    }
  }

  /** Ends the session: journal, timeline, shell, lock. */
  async close(outcome: string, detail: Record<string, unknown> = {}, options: { leave?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.journal.append('session-end', { outcome, ...detail });
    this.journal.close();
    closeSync(this.log);
    // The shell is told to end first, and ends while the timeline is drawn. The timeline is a
    // picture of what is recorded: failing to draw it never keeps the shell (and what it started)
    // from being closed.
    const closing = Promise.all([this.shell.close(options), this.options.remote?.close()]);
    let failure: unknown = null;
    try {
      if (this.options.timeline) this.writeTimeline();
    } catch (error) {
      failure = error;
    } finally {
      // The record is complete: release the document before waiting for the shell to go.
      this.doc.close();
    }
    await closing;
    if (failure) throw failure;
  }
}
