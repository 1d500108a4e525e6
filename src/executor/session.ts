import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { monotonicMs } from '../clock.js';
import { randomHex } from '../random.js';
import { ControlChannel, NO_FIFO_STATUS, NO_MKFIFO } from './control.js';
import { MarkerReader, type MarkerStream } from './marker.js';
import { PRELUDE_SETUP, READY, runBlockLine, SESSION_VAR, XTRACE_AGAIN } from './prelude.js';
import { ProcessTracker, stopProcesses } from './processes.js';
import { redact, StreamRedactor } from './redact.js';
import { exitWithin, release, signalGroup, signalProcess, spawnShell, type Shell, type Stream } from './shell.js';
import { changedVars, readState, restoreScript, type ShellState } from './state.js';
import type { BlockOutcome, ExecEvent, RunRequest, Running, SessionProcess } from './types.js';
import { LONGEST_TIMER_MS } from './types.js';
import { own } from '../io.js';
import { keepTail } from './tail.js';

export { alive } from './processes.js';
export type { SessionProcess } from './types.js';

/** How a session starts. */
export interface SessionOptions {
  /** Where the first block starts. */
  cwd: string;
  /** The complete environment of the shell (the caller decides what it holds). */
  env: Record<string, string>;
  /** Values to mask in every piece of output. */
  secrets?: string[];
  /** Output that arrives between blocks (from processes a block left in the background). */
  onStray?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** ms between SIGINT, SIGTERM and SIGKILL when stopping a block. */
  graceMs?: number;
  /** ms to wait for the rest of a block's output once its end is known (default 500). */
  drainMs?: number;
  /** Variables and directory to start from (a resumed session's last state). */
  restore?: ShellState;
}

const STREAM: Record<MarkerStream, Stream> = { o: 'stdout', e: 'stderr' };
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A shell of the session, with what reads and masks its output. */
interface Current {
  shell: Shell;
  readers: Record<Stream, MarkerReader>;
  redactors: Record<Stream, StreamRedactor>;
}

interface Active {
  token: string;
  /** The name of the block's script and state files. */
  name: string;
  /** The block's script file. */
  script: string;
  onEvent: (event: ExecEvent) => void;
  started: number;
  status: number | null;
  ownCwd: string | null;
  timedOut: boolean;
  canceled: boolean;
  tail: string;
  finish: (outcome: BlockOutcome) => void;
  timer: NodeJS.Timeout | null;
  /** The first signal sent to stop the block, reported when the shell exits without one. */
  sent: NodeJS.Signals | null;
  /** A check: ran in a subshell, no state to read back, its script file kept for the next try. */
  check: boolean;
  /** Pipes that carried this block's end marker: what they carry after it is not the block's. */
  over: Record<Stream, boolean>;
  /** End markers still to come; the control message says which ones were written. */
  awaiting: Record<MarkerStream, boolean>;
  /** Bounds the wait for output once the end is known. */
  drain: NodeJS.Timeout | null;
  /** The signal that ended the shell, when it ended during the block. */
  exitSignal: NodeJS.Signals | null;
  /** Writes the line that runs the block to the current shell. */
  send: () => void;
  /** The shell exited before it read the block: it is sent again, to a new shell. */
  unread: boolean;
}

/**
 * One bash process for a whole session: blocks are `source`d into it one after another, so the
 * environment and working directory carry from block to block as in a terminal, and a block
 * costs one round trip instead of a process start. The shell leads its own process group;
 * stopping a block ends the whole group (no process a block started survives) and the next
 * block gets a new shell with the variables and directory the session had.
 *
 * A block's end is told by a message on the control FIFO or by its end markers on stdout and
 * stderr, whichever comes first, never by the end of a stream: a process a block left running
 * may hold the streams for as long as it lives (issue 16).
 */
export class ShellSession {
  private current: Current | null = null;
  /** Every shell the session started, so their pipes are let go at the end. */
  private readonly shells: Shell[] = [];
  private alive = false;
  private closed = false;
  private state: ShellState;
  private active: Active | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'runbook-session-'));
  /** The control FIFO's path as the shell last heard it. */
  private sentControl = '';
  private readonly id = randomHex(8);

  /** The value of `RUNBOOK_SESSION` in the environment of every process this session starts. */
  get mark(): string {
    return this.id;
  }
  private readonly control: ControlChannel;
  private ready: (() => void) | null = null;
  /** The marker the shell prints once its control FIFO is there (a new one per shell). */
  private fifoMarker = '';
  /** Why the shell could not start, when the tool knows better than its exit status. */
  private startError: string | null = null;
  private counter = 0;
  /** Script files of checks, by their text. */
  private readonly checks = new Map<string, string>();
  /** Every process group this session's shells led; all are ended when it closes. */
  private readonly groups = new Set<number>();
  private readonly tracker: ProcessTracker;
  /** Values to mask: those given at the start, then those added. */
  private secrets: string[];

  private constructor(private readonly options: SessionOptions) {
    this.secrets = options.secrets ?? [];
    this.state = { cwd: options.cwd, vars: new Map() };
    this.control = new ControlChannel(this.dir, (words) => this.onControl(words));
    this.tracker = new ProcessTracker(this.id, this.groups, (text) => redact(text, this.secrets));
  }

  /** Starts a session's shell in `options.cwd` with `options.env`. */
  static async start(options: SessionOptions): Promise<ShellSession> {
    const session = new ShellSession(options);
    await session.spawn(options.restore ?? null, true);
    return session;
  }

  /** The directory, variables, functions and ERR trap handler after the last block, to save for a resume. */
  snapshot(): ShellState {
    const { cwd, vars, functions, errTrap } = this.state;
    return { cwd, vars: new Map(vars), ...(functions && { functions }), ...(errTrap && { errTrap }) };
  }

  /** Masks these values too from now on (secrets a block created), in this shell and any that replaces it. */
  addSecrets(values: readonly string[]): void {
    this.secrets = [...new Set([...this.secrets, ...values])];
    if (this.current) for (const redactor of Object.values(this.current.redactors)) redactor.add(values);
  }

  /** The working directory the next block starts in. */
  get cwd(): string {
    return this.state.cwd;
  }

  /** The shell's process group, while it runs. */
  get pid(): number | null {
    return this.alive ? (this.current?.shell.pid ?? null) : null;
  }

  /**
   * Processes started from the session that are still running: background jobs, `disown`ed and
   * `nohup`ed ones, `setsid` children and daemons (see processes.ts for what is not found).
   */
  processes(): SessionProcess[] {
    return this.tracker.list();
  }

  /** SIGTERM, then SIGKILL after the grace period, to these processes; resolves with those still alive. */
  stop(pids: number[]): Promise<number[]> {
    return stopProcesses(pids, this.options.graceMs ?? 1000);
  }

  private async spawn(restore: ShellState | null, baseline = false): Promise<void> {
    const shell = spawnShell(restore?.cwd ?? this.options.cwd, { ...this.options.env, [SESSION_VAR]: this.id });
    this.shells.push(shell);
    this.alive = true;
    if (shell.pid) this.groups.add(shell.pid);
    const current: Current = {
      shell,
      redactors: { stdout: new StreamRedactor(this.secrets), stderr: new StreamRedactor(this.secrets) },
      readers: {
        stdout: new MarkerReader((text) => this.output(current, 'stdout', text), (token, to, status) => this.onMarker(current, 'stdout', token, to, status)),
        stderr: new MarkerReader((text) => this.output(current, 'stderr', text), (token, to, status) => this.onMarker(current, 'stderr', token, to, status)),
      },
    };
    this.current = current;
    for (const stream of ['stdout', 'stderr'] as const) {
      shell[stream].on('data', (chunk: Buffer) => current.readers[stream].push(chunk));
      shell[stream].once('end', () => this.drained(current));
    }
    void shell.exit.then(({ code, signal }) => this.onExit(current, code, signal));
    const started = new Promise<void>((resolve) => (this.ready = resolve));
    // The shell makes the control FIFO (unless a former shell did) and says so with a marker of
    // its own; the FIFO is opened then (see ControlChannel). It reads its input only once started.
    this.fifoMarker = `rb${randomHex(8)}0`;
    // The prelude is sourced from a file rather than written down the shell's input: bash reads
    // a pipe one byte per system call (so as not to read past a command that reads it too), and a
    // file in blocks; that is the start of every block's wait. Before it says it is ready, it
    // restores the state it resumes (if any) and writes the state it starts from: the first
    // block's changes are told against that, with no block run for it.
    const boot = join(this.dir, 'boot.sh');
    const start = join(this.dir, 'start.state');
    let script = `__rb_ctl=${quote(this.control.path)} __rb_d=${quote(this.dir)}\n${this.control.makeScript(this.fifoMarker)}\n${PRELUDE_SETUP}\n`;
    this.sentControl = this.control.path;
    if (restore) {
      const file = join(this.dir, 'restore.sh');
      writeFileSync(file, restoreScript(restore), { mode: 0o600 });
      script += `builtin source ${quote(file)} 2>/dev/null\n`;
    }
    script += `{ builtin printf '%s\\0' "$PWD"; builtin declare -p; } > ${quote(start)} 2>/dev/null\n${READY}\n`;
    writeFileSync(boot, script, { mode: 0o600 });
    shell.stdin.write(`builtin source ${quote(boot)}\n`);
    // A shell that dies before it is ready (a start folder gone meanwhile, no mkfifo) must not be waited for.
    const died = shell.exit.then(({ code }) =>
      Promise.reject(new Error(this.startError ?? (code === NO_FIFO_STATUS ? NO_MKFIFO : `bash exited as it started, in ${restore?.cwd ?? this.options.cwd}`))),
    );
    died.catch(() => undefined);
    await Promise.race([started, died]);
    // It holds the start marker's token: no block should find it.
    rmSync(boot, { force: true });
    const state = readState(start);
    rmSync(start, { force: true });
    if (state) this.state = state;
    // What runs already, so that only what blocks start is counted as theirs.
    if (baseline) this.tracker.update();
  }

  private output(from: Current, stream: Stream, raw: string): void {
    const text = from.redactors[stream].push(raw);
    if (!text) return;
    const active = this.active;
    if (active && from === this.current && !active.over[stream]) {
      active.tail = keepTail(active.tail, text);
      active.onEvent({ type: 'output', stream, text });
    } else {
      this.options.onStray?.(stream, text);
    }
  }

  /** An end marker came down `pipe`; it says which stream it was written to and the status. */
  private onMarker(from: Current, pipe: Stream, token: string, to: MarkerStream, status: number): void {
    if (token === this.fifoMarker) {
      try {
        this.control.attach();
      } catch (error) {
        // The shell would wait for a reader for ever: it is ended, and says why.
        this.startError = `cannot open the control FIFO ${this.control.path}: ${(error as Error).message}`;
        signalGroup(from.shell.pid, 'SIGKILL');
      }
      return;
    }
    const active = this.active;
    if (!active || from !== this.current || token !== active.token) return;
    active.over[pipe] = true;
    active.over[STREAM[to]] = true;
    active.awaiting[to] = false;
    active.status ??= status;
    this.maybeFinish();
  }

  /** `ready PID`, `exit PID STATUS`, or `TOKEN STATUS STDOUT-MARKED STDERR-MARKED`. */
  private onControl([kind, a, b, c]: string[]): void {
    const shell = this.current?.shell;
    if (kind === 'ready' || kind === 'exit') {
      if (!shell || Number(a) !== shell.pid) return;
      if (kind === 'ready') this.ready?.();
      // The shell is on its way out (a block ran `exit`): the next block needs a new one, and
      // this one ends when the shell has.
      else {
        this.alive = false;
        if (this.active && c === '0') this.active.unread = true;
        else if (this.active) this.active.status ??= Number(b);
      }
      return;
    }
    const active = this.active;
    if (!active || kind !== active.token) return;
    active.status ??= Number(a);
    if (b === '0') active.awaiting.o = false;
    if (c === '0') active.awaiting.e = false;
    if (!this.maybeFinish() && !active.drain) active.drain = setTimeout(() => this.finish(null), this.options.drainMs ?? 500);
  }

  private onExit(from: Current, code: number | null, signal: NodeJS.Signals | null): void {
    if (from !== this.current) return;
    this.alive = false;
    const active = this.active;
    if (!active) return;
    if (active.unread && !active.canceled && !active.timedOut) {
      active.unread = false;
      void this.spawn(this.state).then(active.send, () => this.finish(signal));
      return;
    }
    if (!active.canceled && !active.timedOut) {
      // A shell a signal ended (`kill $$`, `kill 0`, a SIGTERM from outside) ran its EXIT trap
      // first, which reported the status of whatever command ran last: the signal is the outcome.
      if (signal !== null) active.status = null;
      else if (active.status === null) active.status = code;
    }
    active.exitSignal = signal;
    // What the shell wrote before it exited may still be in the pipes; wait for their end, but
    // not for longer than the drain bound (a process left running may hold them).
    if (active.drain) clearTimeout(active.drain);
    active.drain = setTimeout(() => this.drained(from, true), this.options.drainMs ?? 500);
    this.drained(from);
  }

  /** Ends the block of a shell that exited once its pipes are drained (or `force`). */
  private drained(from: Current, force = false): void {
    const active = this.active;
    if (!active || from !== this.current || !from.shell.exited) return;
    if (!force && !(from.shell.ended.stdout && from.shell.ended.stderr)) return;
    from.readers.stdout.flush();
    from.readers.stderr.flush();
    this.finish(active.exitSignal);
  }

  private maybeFinish(): boolean {
    const active = this.active;
    if (!active || active.status === null || active.awaiting.o || active.awaiting.e) return false;
    this.finish(null);
    return true;
  }

  private finish(signal: NodeJS.Signals | null): void {
    const active = this.active;
    if (!active) return;
    this.active = null;
    if (active.timer) clearTimeout(active.timer);
    if (active.drain) clearTimeout(active.drain);
    const redactors = this.current!.redactors;
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = redactors[stream].flush();
      if (rest) {
        active.tail = keepTail(active.tail, rest);
        active.onEvent({ type: 'output', stream, text: rest });
      }
    }
    const stopped = active.canceled || active.timedOut;
    const after = stopped || active.check ? null : readState(join(this.dir, `${active.name}.state`));
    let changed: string[] = [];
    let unset: string[] = [];
    let cwdChanged = false;
    if (after) {
      changed = changedVars(this.state, after);
      unset = changed.filter((name) => !after.vars.has(name));
      if (active.ownCwd) after.cwd = this.state.cwd;
      cwdChanged = after.cwd !== this.state.cwd;
      this.state = after;
    }
    const outcome: BlockOutcome = {
      exitCode: stopped ? null : active.status,
      signal: stopped ? (signal ?? active.sent) : signal,
      timedOut: active.timedOut,
      canceled: active.canceled,
      durationMs: monotonicMs() - active.started,
      changedVars: changed,
      unsetVars: unset,
      cwd: this.state.cwd,
      cwdChanged,
      tail: own(active.tail),
      error: null,
      script: active.script,
      ...(after?.stoppedAt && { stoppedAt: after.stoppedAt }),
      left: [],
    };
    // What the block started and left running; a stopped block's own group is being ended, so
    // only what left the group is left behind.
    const fresh = this.tracker.update();
    if (!fresh.length && !this.tracker.unsure) active.finish(outcome);
    else {
      void this.tracker.settle(fresh).then((left) => active.finish({ ...outcome, left: stopped ? left.filter((p) => p.detached) : left }));
    }
    if (active.check) return;
    rmSync(join(this.dir, `${active.name}.sh`), { force: true });
    rmSync(join(this.dir, `${active.name}.state`), { force: true });
  }

  /** Runs one block; events go to `onEvent`. The promise never rejects for a failing block. */
  run(request: RunRequest, onEvent: (event: ExecEvent) => void): Running {
    let cancel = () => undefined as void;
    const done = (async (): Promise<BlockOutcome> => {
      if (this.closed) return this.notStarted('the session is closed');
      this.control.ensure();
      if (!this.alive) {
        // The shell ended (a block ran `exit`): a new one starts where the session was, if that
        // folder is still there.
        if (!isDirectory(this.state.cwd)) return this.notStarted(`the session's working directory ${this.state.cwd} no longer exists`);
        try {
          await this.spawn(this.state);
        } catch (error) {
          return this.notStarted((error as Error).message);
        }
      }
      if (request.cwd !== undefined && !isDirectory(request.cwd)) {
        return this.notStarted(`the working directory ${request.cwd} does not exist`);
      }
      // Files are named by number: their paths are in variables a block can print, the token is not.
      const name = `block-${this.counter}`;
      const token = `rb${randomHex(8)}${this.counter++}`;
      const check = request.check === true;
      // A check polled many times is written once.
      let file = check ? this.checks.get(request.script) : undefined;
      if (!file) {
        file = join(this.dir, `${name}.sh`);
        writeFileSync(file, `${XTRACE_AGAIN}${request.script.endsWith('\n') || request.script === '' ? request.script : `${request.script}\n`}`, { mode: 0o600 });
        if (check) this.checks.set(request.script, file);
      }
      return new Promise<BlockOutcome>((finish) => {
        const active: Active = {
          token,
          name,
          script: file,
          onEvent,
          started: monotonicMs(),
          status: null,
          ownCwd: request.cwd ?? null,
          timedOut: false,
          canceled: false,
          tail: '',
          finish: (outcome) => {
            onEvent({ type: 'end', outcome });
            finish(outcome);
          },
          timer: null,
          sent: null,
          check,
          over: { stdout: false, stderr: false },
          awaiting: { o: true, e: true },
          drain: null,
          exitSignal: null,
          unread: false,
          // The token is written only here, in the line that runs the block: bash parses the
          // whole line before it runs any of it, so the token is in no variable a block can see.
          send: () => {
            this.control.ensure();
            const state = check ? "''" : `"$__rb_d"/${name}.state`;
            // Bash reads this line a byte per system call: the session's folder is `$__rb_d`, and
            // the control FIFO is named again only when it changed.
            const ctl = this.control.path === this.sentControl ? '' : `__rb_ctl=${quote(this.control.path)}; `;
            this.sentControl = this.control.path;
            const runLine = `${ctl}${runBlockLine(`"$__rb_d"/${basename(file)}`, request.errexit, request.pipefail, state)}`;
            const line = request.cwd
              ? `builtin cd -- ${quote(request.cwd)} && { ${runLine}; }; __rb_status=$?; builtin cd -- ${quote(this.state.cwd)}; __rb_done ${token} $__rb_status ${state}\n`
              : `${runLine}; __rb_done ${token} $? ${state}\n`;
            this.current!.shell.stdin.write(line);
          },
        };
        this.active = active;
        cancel = () => this.interrupt(active, 'canceled');
        if (request.timeoutMs !== null && request.timeoutMs <= LONGEST_TIMER_MS) active.timer = setTimeout(() => this.interrupt(active, 'timedOut'), request.timeoutMs);
        onEvent({ type: 'start', at: Date.now() });
        active.send();
      });
    })();
    return { done, cancel: () => cancel() };
  }

  private notStarted(error: string): BlockOutcome {
    return { exitCode: null, signal: null, timedOut: false, canceled: false, durationMs: 0, changedVars: [], cwd: this.state.cwd, cwdChanged: false, tail: '', error, left: [] };
  }

  /** SIGINT, then SIGTERM, then SIGKILL to the shell's whole process group. */
  private interrupt(active: Active, why: 'canceled' | 'timedOut'): void {
    if (this.active !== active || active.canceled || active.timedOut) return;
    active[why] = true;
    active.sent = 'SIGINT';
    const group = this.current?.shell.pid;
    if (!group) return;
    // The escalation goes on after the shell itself has exited: processes a block put in the
    // background ignore SIGINT, and must not outlive it.
    // So does what left the group but not the shell's session (GNU `timeout` makes a group of its
    // own); never what the shell started after it (the next block's) has.
    const grace = this.options.graceMs ?? 1000;
    const signal = (name: NodeJS.Signals) => {
      signalGroup(group, name);
      for (const pid of this.tracker.outside(group)) signalProcess(pid, name);
    };
    signal('SIGINT');
    setTimeout(() => signal('SIGTERM'), grace).unref();
    setTimeout(() => signal('SIGKILL'), grace * 2).unref();
  }

  /**
   * Ends the session: the shell exits, and every process it started gets SIGTERM (then SIGKILL),
   * so nothing keeps running behind the operator's back, except what a block deliberately
   * detached (`setsid`: it is in each block's `left`). With `leave`, every process it started is
   * left running (a service the operator will come back to; find them again with `alive`); their
   * output no longer goes anywhere, so they should write to files. Never waits for more than a
   * few grace periods.
   */
  async close(options: { leave?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const grace = this.options.graceMs ?? 1000;
    const shell = this.current?.shell;
    if (shell && !shell.exited) {
      shell.stdin.end();
      // A block still running, or a shell that does not read its input: it is not waited for.
      if (!(await exitWithin(shell, grace))) {
        if (options.leave) signalProcess(shell.pid, 'SIGKILL');
        else signalGroup(shell.pid, 'SIGKILL');
        await exitWithin(shell, 500);
      }
    }
    if (!options.leave) {
      const groups = [...this.groups].filter((group) => signalGroup(group, 'SIGTERM'));
      const strays = this.tracker.list().filter((p) => !p.detached).map((p) => p.pid);
      if (groups.length || strays.length) {
        await Promise.all([stopProcesses(strays, 100), new Promise((resolve) => setTimeout(resolve, 100))]);
        for (const group of groups) signalGroup(group, 'SIGKILL');
      }
    }
    for (const each of this.shells) release(each);
    this.control.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether `path` is a folder (following links). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
