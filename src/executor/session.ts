import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { execa } from 'execa';
import { monotonicMs } from '../clock.js';
import { MarkerReader } from './marker.js';
import { PRELUDE } from './prelude.js';
import { StreamRedactor } from './redact.js';
import { changedVars, readState, restoreScript, type ShellState } from './state.js';
import type { BlockOutcome, ExecEvent, RunRequest, Running } from './types.js';

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
  /** Variables and directory to start from (a resumed session's last state). */
  restore?: ShellState;
}

const TAIL = 4096;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Active {
  token: string;
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
}

/**
 * One bash process for a whole session: blocks are `source`d into it one after another, so the
 * environment and working directory carry from block to block as in a terminal, and a block
 * costs one round trip instead of a process start. The shell leads its own process group;
 * stopping a block ends the whole group (no process a block started survives) and the next
 * block gets a new shell with the variables and directory the session had.
 */
export class ShellSession {
  private shell: ReturnType<typeof spawnShell> | null = null;
  private alive = false;
  private state: ShellState;
  private active: Active | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'runbook-session-'));
  private readers!: { stdout: MarkerReader; stderr: MarkerReader };
  private control = '';
  private ready: (() => void) | null = null;
  private redactors!: { stdout: StreamRedactor; stderr: StreamRedactor };
  private counter = 0;
  /** Script files of checks, by their text. */
  private readonly checks = new Map<string, string>();
  /** Every process group this session's shells led; all are ended when it closes. */
  private readonly groups = new Set<number>();

  /** Values to mask: those given at the start, then those added. */
  private secrets: string[];

  private constructor(private readonly options: SessionOptions) {
    this.secrets = options.secrets ?? [];
    this.state = { cwd: options.cwd, vars: new Map() };
  }

  /** Starts a session's shell in `options.cwd` with `options.env`. */
  static async start(options: SessionOptions): Promise<ShellSession> {
    const session = new ShellSession(options);
    await session.spawn(options.restore ?? null, true);
    return session;
  }

  /** The directory and variables after the last block, to save for a resume. */
  snapshot(): ShellState {
    return { cwd: this.state.cwd, vars: new Map(this.state.vars) };
  }

  /** Masks these values too from now on (secrets a block created), in this shell and any that replaces it. */
  addSecrets(values: readonly string[]): void {
    this.secrets = [...new Set([...this.secrets, ...values])];
    for (const redactor of Object.values(this.redactors)) redactor.add(values);
  }

  /** The working directory the next block starts in. */
  get cwd(): string {
    return this.state.cwd;
  }

  /** The shell's process group, while it runs. */
  get pid(): number | null {
    return this.alive ? (this.shell?.pid ?? null) : null;
  }

  private async spawn(restore: ShellState | null, baseline = false): Promise<void> {
    const shell = spawnShell(restore?.cwd ?? this.options.cwd, this.options.env);
    this.shell = shell;
    this.alive = true;
    if (shell.pid) {
      track(shell.pid);
      this.groups.add(shell.pid);
    }
    this.control = '';
    this.redactors = { stdout: new StreamRedactor(this.secrets), stderr: new StreamRedactor(this.secrets) };
    const readers = {
      stdout: new MarkerReader((text) => this.output('stdout', text)),
      stderr: new MarkerReader((text) => this.output('stderr', text)),
    };
    this.readers = readers;
    // Events of a shell that has since been replaced are ignored: it may still be exiting.
    const current = () => this.shell === shell;
    // A block is over when its status and both streams' end markers are in, in any order.
    for (const stream of ['stdout', 'stderr'] as const) {
      shell[stream]!.on('data', (chunk: Buffer) => {
        if (!current()) return;
        readers[stream].push(chunk);
        this.maybeFinish();
      });
    }
    (shell.stdio[3] as Readable).on('data', (chunk: Buffer) => current() && this.onControl(chunk.toString('utf8')));
    (shell.stdin as Writable).on('error', () => undefined);
    shell.on('exit', (code, signal) => current() && this.onExit(code, signal));
    void shell.catch(() => undefined);
    const started = new Promise<void>((resolve) => (this.ready = resolve));
    let boot = `${PRELUDE}\n`;
    if (restore) {
      const file = join(this.dir, 'restore.sh');
      writeFileSync(file, restoreScript(restore), { mode: 0o600 });
      boot += `builtin source ${quote(file)} 2>/dev/null\n`;
    }
    (shell.stdin as Writable).write(boot);
    await started;
    if (baseline) {
      // Take the starting state, so the first block's changes can be told.
      const baseline = await this.run({ script: '', timeoutMs: null, errexit: false, pipefail: false }, () => undefined).done;
      void baseline;
    }
  }

  private output(stream: 'stdout' | 'stderr', raw: string): void {
    const text = this.redactors[stream].push(raw);
    if (!text) return;
    const active = this.active;
    if (active && !this.readers[stream].done) {
      active.tail = (active.tail + text).slice(-TAIL);
      active.onEvent({ type: 'output', stream, text });
    } else {
      this.options.onStray?.(stream, text);
    }
  }

  private onControl(text: string): void {
    this.control += text;
    let newline: number;
    while ((newline = this.control.indexOf('\n')) !== -1) {
      const [token, status] = this.control.slice(0, newline).split(' ');
      this.control = this.control.slice(newline + 1);
      if (token === 'ready') this.ready?.();
      // The shell is on its way out (a block ran `exit`): the next block needs a new one.
      else if (token === 'exiting') this.alive = false;
      else if (this.active && token === this.active.token) {
        this.active.status = Number(status);
        this.maybeFinish();
      }
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.alive = false;
    this.readers.stdout.flush();
    this.readers.stderr.flush();
    const active = this.active;
    if (!active) return;
    if (active.status === null && !active.canceled && !active.timedOut) active.status = code;
    this.finish(signal);
  }

  private maybeFinish(): void {
    const active = this.active;
    if (active && active.status !== null && this.readers.stdout.done && this.readers.stderr.done) this.finish(null);
  }

  private finish(signal: NodeJS.Signals | null): void {
    const active = this.active;
    if (!active) return;
    this.active = null;
    if (active.timer) clearTimeout(active.timer);
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.redactors[stream].flush();
      if (rest) {
        active.tail = (active.tail + rest).slice(-TAIL);
        active.onEvent({ type: 'output', stream, text: rest });
      }
    }
    const stopped = active.canceled || active.timedOut;
    const after = stopped || active.check ? null : readState(join(this.dir, `${active.token}.state`));
    let changed: string[] = [];
    let cwdChanged = false;
    if (after) {
      changed = changedVars(this.state, after);
      if (active.ownCwd) after.cwd = this.state.cwd;
      cwdChanged = after.cwd !== this.state.cwd;
      this.state = after;
    }
    active.finish({
      exitCode: stopped ? null : active.status,
      signal: stopped ? (signal ?? active.sent) : signal,
      timedOut: active.timedOut,
      canceled: active.canceled,
      durationMs: monotonicMs() - active.started,
      changedVars: changed,
      cwd: this.state.cwd,
      cwdChanged,
      tail: active.tail,
      error: null,
    });
    if (active.check) return;
    rmSync(join(this.dir, `${active.token}.sh`), { force: true });
    rmSync(join(this.dir, `${active.token}.state`), { force: true });
  }

  /** Runs one block; events go to `onEvent`. The promise never rejects for a failing block. */
  run(request: RunRequest, onEvent: (event: ExecEvent) => void): Running {
    let cancel = () => undefined as void;
    const done = (async (): Promise<BlockOutcome> => {
      if (!this.alive) await this.spawn(this.state);
      if (request.cwd !== undefined && !isDirectory(request.cwd)) {
        return this.notStarted(`the working directory ${request.cwd} does not exist`);
      }
      const token = `rb${randomBytes(8).toString('hex')}${this.counter++}`;
      const check = request.check === true;
      // A check polled many times is written once.
      let file = check ? this.checks.get(request.script) : undefined;
      if (!file) {
        file = join(this.dir, `${token}.sh`);
        writeFileSync(file, request.script.endsWith('\n') || request.script === '' ? request.script : `${request.script}\n`, { mode: 0o600 });
        if (check) this.checks.set(request.script, file);
      }
      return new Promise<BlockOutcome>((finish) => {
        const active: Active = {
          token,
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
        };
        this.active = active;
        this.readers.stdout.expect(token);
        this.readers.stderr.expect(token);
        cancel = () => this.stop(active, 'canceled');
        if (request.timeoutMs !== null) active.timer = setTimeout(() => this.stop(active, 'timedOut'), request.timeoutMs);
        onEvent({ type: 'start', at: Date.now() });
        const runLine = `__rb_run ${quote(file)} ${token} ${request.errexit ? 1 : 0} ${request.pipefail ? 1 : 0} ${check ? "''" : quote(join(this.dir, `${token}.state`))}`;
        const line = request.cwd ? `builtin cd -- ${quote(request.cwd)} && ${runLine}; builtin cd -- ${quote(this.state.cwd)}\n` : `${runLine}\n`;
        (this.shell!.stdin as Writable).write(line);
      });
    })();
    return { done, cancel: () => cancel() };
  }

  private notStarted(error: string): BlockOutcome {
    return { exitCode: null, signal: null, timedOut: false, canceled: false, durationMs: 0, changedVars: [], cwd: this.state.cwd, cwdChanged: false, tail: '', error };
  }

  /** SIGINT, then SIGTERM, then SIGKILL to the shell's whole process group. */
  private stop(active: Active, why: 'canceled' | 'timedOut'): void {
    if (this.active !== active || active.canceled || active.timedOut) return;
    active[why] = true;
    active.sent = 'SIGINT';
    const group = this.shell?.pid;
    if (!group) return;
    // The escalation goes on after the shell itself has exited: processes a block put in the
    // background ignore SIGINT, and must not outlive it.
    const grace = this.options.graceMs ?? 1000;
    signalGroup(group, 'SIGINT');
    setTimeout(() => signalGroup(group, 'SIGTERM'), grace).unref();
    setTimeout(() => signalGroup(group, 'SIGKILL'), grace * 2).unref();
  }

  /**
   * Ends the session: the shell exits, and processes blocks left running in the background get
   * SIGTERM (then SIGKILL), so nothing keeps running behind the operator's back.
   */
  async close(): Promise<void> {
    const shell = this.shell;
    if (shell && this.alive) {
      (shell.stdin as Writable).end();
      await new Promise<void>((resolve) => {
        if (!this.alive) resolve();
        else shell.once('exit', () => resolve());
      });
    }
    const groups = [...this.groups].filter((group) => signalGroup(group, 'SIGTERM'));
    if (groups.length) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const group of groups) signalGroup(group, 'SIGKILL');
    }
    for (const group of this.groups) liveGroups.delete(group);
    this.groups.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Process groups of shells still running. If the tool itself exits without closing a session
 * (a crash), they are killed on the way out: nothing a block started outlives the tool.
 */
const liveGroups = new Set<number>();
let exitHook = false;
function track(group: number): void {
  liveGroups.add(group);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  });
}

/** bash leading its own process group, with descriptor 3 as the control channel. */
function spawnShell(cwd: string, env: Record<string, string>) {
  return execa('bash', ['--noprofile', '--norc'], {
    cwd,
    env,
    extendEnv: false,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
    reject: false,
    buffer: false,
    cleanup: true,
  });
}

/** Sends a signal to a process group; false when the group no longer exists. */
function signalGroup(group: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
