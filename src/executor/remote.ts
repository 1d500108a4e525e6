import { spawn, type ChildProcess } from 'node:child_process';
import { monotonicMs } from '../clock.js';
import { randomHex } from '../random.js';
import { FrameReader, type Frame } from './frames.js';
import { MarkerReader } from './marker.js';
import { PRELUDE, runBlockLine, SESSION_VAR } from './prelude.js';
import { StreamRedactor } from './redact.js';
import type { SshConnections, SshHost } from './ssh.js';
import { changedVars, parseState, restoreScript, type ShellState } from './state.js';
import type { BlockOutcome, ExecEvent, RunRequest, Running } from './types.js';
import { LONGEST_TIMER_MS } from './types.js';
import { own } from '../io.js';
import { keepTail } from './tail.js';

type Stream = 'stdout' | 'stderr';

/** `${` in the shell text below, which is a raw template. */
const $ = '${';

/**
 * What the remote shell runs after the local prelude. Its markers and state go to descriptors 61
 * and 62, copies of the channel's stdout and stderr made before any block runs, so a block that
 * sends its own output elsewhere still ends. The state comes back in a frame on stdout, made by
 * builtins alone (no process started per block), its `%` and `\x1d` written `%25` and `%1D`: no
 * byte of a value can end it early, the shell's process id when it is ready, and its exit
 * status when it exits: an ssh that ends without that last frame lost its connection.
 */
const REMOTE = String.raw`
__rb_dir=$(mktemp -d -t "runbook-$__rb_id.XXXXXX") || exit 97
__rb_done() {
  if [ -n "$3" ]; then
    builtin declare -p > "$__rb_dir/state" 2>/dev/null
    IFS= builtin read -r -d '' __rb_st < "$__rb_dir/state" || :
    __rb_p=${$}PWD//"%"/%25}; __rb_p=${$}__rb_p//$'\035'/%1D}
    __rb_st=${$}__rb_st//"%"/%25}; __rb_st=${$}__rb_st//$'\035'/%1D}
    builtin printf '\035s%s:%s%%00%s\035' "$1" "$__rb_p" "$__rb_st" >&61
    builtin unset __rb_st __rb_p
  fi
  builtin printf '\036%s:o:%s\036' "$1" "$2" >&61
  builtin printf '\036%s:e:%s\036' "$1" "$2" >&62
}
__rb_exit_save='__rb_x=$?'
__rb_exit_say='builtin printf "\035x%s\035" "$__rb_x" >&61; rm -rf "$__rb_dir"'
__rb_exit="$__rb_exit_save; $__rb_exit_say"
builtin trap "$__rb_exit" EXIT
builtin printf '\035r%s\035' "$$" >&61
`;

/** Text sent to the remote shell as a here-document: read by builtins, never parsed as shell. */
function heredoc(variable: string, text: string): string {
  const end = `RB_END_${randomHex(8)}`;
  return `IFS= builtin read -r -d '' ${variable} <<'${end}'\n${text}\n${end}\n${variable}=\${${variable}%$'\\n'}\n`;
}

interface Active {
  token: string;
  onEvent: (event: ExecEvent) => void;
  started: number;
  status: number | null;
  awaiting: { o: boolean; e: boolean };
  state: ShellState | null;
  timedOut: boolean;
  canceled: boolean;
  tail: string;
  timer: NodeJS.Timeout | null;
  check: boolean;
  finish: (outcome: BlockOutcome) => void;
}

/** One `bash` on another host, over the host's multiplexed ssh connection. */
interface RemoteShell {
  child: ChildProcess;
  /** The remote shell's process id, which leads its process group there. */
  pid: number | null;
  /** The status the shell reported as it exited; null: it never said (the connection was lost). */
  exitStatus: number | null;
  exited: boolean;
}

/**
 * A session's persistent shell on one host: the same protocol as the local `ShellSession` (the
 * prelude, end markers, state read back after each block), carried by `ssh` over the host's
 * master connection, so environment and working directory carry from block to block on that
 * host. The runbook's variables reach the shell as here-documents read by `read`, never as shell
 * text. Stopping a block kills its whole process group on the host; the next block gets a new
 * shell with the variables and directory the host's session had.
 */
export class RemoteSession {
  private shell: RemoteShell | null = null;
  private readonly id = randomHex(8);
  private state: ShellState;
  private active: Active | null = null;
  private counter = 0;
  private readonly groups = new Set<number>();
  private readonly redactors: Record<Stream, StreamRedactor>;
  private ready: ((ok: boolean) => void) | null = null;

  private constructor(
    readonly host: SshHost,
    private readonly ssh: SshConnections,
    private readonly env: Record<string, string>,
    secrets: string[],
    private readonly graceMs: number,
  ) {
    this.state = { cwd: '', vars: new Map() };
    this.redactors = { stdout: new StreamRedactor(secrets), stderr: new StreamRedactor(secrets) };
  }

  /** Starts the host's shell in its login directory, with `env` (the runbook's variables) exported. */
  static async start(host: SshHost, ssh: SshConnections, options: { env: Record<string, string>; secrets: string[]; graceMs?: number }): Promise<RemoteSession> {
    const session = new RemoteSession(host, ssh, options.env, options.secrets, options.graceMs ?? 1000);
    await session.spawn(false);
    return session;
  }

  /** Masks these values too from now on. */
  addSecrets(values: readonly string[]): void {
    for (const redactor of Object.values(this.redactors)) redactor.add(values);
  }

  /** The directory the next block on this host starts in. */
  get cwd(): string {
    return this.state.cwd;
  }

  private async spawn(restore: boolean): Promise<void> {
    const child = spawn('ssh', [...this.ssh.args(this.host, 'no', ['-T']), 'exec bash --noprofile --norc'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const shell: RemoteShell = { child, pid: null, exitStatus: null, exited: false };
    this.shell = shell;
    const readers: Record<Stream, MarkerReader> = {
      stdout: new MarkerReader((text) => this.output(shell, 'stdout', text), (token, to, status) => this.onMarker(shell, token, to, status)),
      stderr: new MarkerReader((text) => this.output(shell, 'stderr', text), (token, to, status) => this.onMarker(shell, token, to, status)),
    };
    const frames = new FrameReader((chunk) => readers.stdout.push(chunk), (frame) => this.onFrame(shell, frame));
    child.stdout!.on('data', (chunk: Buffer) => frames.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => readers.stderr.push(chunk));
    child.stdin!.on('error', () => undefined);
    const ended = new Promise<void>((resolve) => child.stdout!.once('close', () => resolve()));
    child.once('exit', () => {
      shell.exited = true;
      // What the shell wrote before it went may still be in the pipes; not waited for long.
      void Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 200).unref())]).then(() => {
        frames.flush();
        readers.stdout.flush();
        readers.stderr.flush();
        this.onExit(shell);
      });
    });
    const started = new Promise<boolean>((resolve) => (this.ready = resolve));
    let boot = `exec 61>&1 62>&2\n__rb_ctl=/dev/null __rb_id=${this.id}\n${PRELUDE}\n${REMOTE}`;
    for (const [name, value] of Object.entries({ ...this.env, [SESSION_VAR]: this.id })) {
      if (/^[A-Za-z_]\w*$/.test(name)) boot += `${heredoc(name, value)}export ${name}\n`;
    }
    if (restore) boot += `${heredoc('__rb_s', restoreScript(this.state))}builtin eval "$__rb_s"\n${heredoc('__rb_s', this.state.cwd)}builtin cd -- "$__rb_s"\n`;
    child.stdin!.write(boot);
    if (!(await started)) throw new Error(`the shell on ${this.host.name} ended as it started${this.reason() ? `: ${this.reason()}` : ''}`);
    this.groups.add(shell.pid!);
    // Take the starting state, so the first block's changes can be told.
    if (!restore) await this.run({ script: '', timeoutMs: null, errexit: false, pipefail: false }, () => undefined).done;
  }

  private reason(): string | null {
    return this.ssh.said(this.host);
  }

  private output(from: RemoteShell, stream: Stream, raw: string): void {
    const text = this.redactors[stream].push(raw);
    const active = this.active;
    if (!text || !active || from !== this.shell) return;
    active.tail = keepTail(active.tail, text);
    active.onEvent({ type: 'output', stream, text });
  }

  private onFrame(from: RemoteShell, frame: Frame): void {
    if (frame.kind === 'ready') {
      from.pid = Number(frame.value);
      this.ready?.(true);
    } else if (frame.kind === 'exit') from.exitStatus = Number(frame.value);
    else if (this.active && from === this.shell && frame.token === this.active.token) {
      const text = Buffer.from(frame.value, 'latin1').toString('utf8');
      this.active.state = parseState(text.replace(/%(25|1D|00)/g, (_, code: string) => String.fromCharCode(parseInt(code, 16))));
    }
  }

  private onMarker(from: RemoteShell, token: string, to: 'o' | 'e', status: number): void {
    const active = this.active;
    if (!active || from !== this.shell || token !== active.token) return;
    active.awaiting[to] = false;
    active.status ??= status;
    if (!active.awaiting.o && !active.awaiting.e) this.finish(null);
  }

  private onExit(from: RemoteShell): void {
    if (from !== this.shell) return;
    this.ready?.(false);
    const active = this.active;
    if (!active) return;
    if (active.canceled || active.timedOut) return this.finish(null);
    // The shell said how it exited (a block ran `exit`): the block failed with that status.
    if (from.exitStatus !== null) {
      active.status = from.exitStatus;
      return this.finish(null);
    }
    this.finish(`connection to ${this.host.name} lost`);
  }

  private finish(error: string | null): void {
    const active = this.active;
    if (!active) return;
    this.active = null;
    if (active.timer) clearTimeout(active.timer);
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.redactors[stream].flush();
      if (rest) {
        active.tail = keepTail(active.tail, rest);
        active.onEvent({ type: 'output', stream, text: rest });
      }
    }
    const stopped = active.canceled || active.timedOut;
    let changed: string[] = [];
    let cwdChanged = false;
    if (active.state && !stopped && !active.check) {
      changed = this.state.cwd === '' ? [] : changedVars(this.state, active.state);
      cwdChanged = this.state.cwd !== '' && active.state.cwd !== this.state.cwd;
      this.state = active.state;
    }
    active.finish({
      exitCode: stopped || error ? null : active.status,
      signal: stopped ? 'SIGINT' : null,
      timedOut: active.timedOut,
      canceled: active.canceled,
      durationMs: monotonicMs() - active.started,
      changedVars: changed,
      cwd: this.state.cwd,
      cwdChanged,
      tail: own(active.tail),
      error,
      left: [],
    });
  }

  /** Runs one block on the host; events go to `onEvent`. The promise never rejects for a failing block. */
  run(request: RunRequest, onEvent: (event: ExecEvent) => void): Running {
    let cancel = () => undefined as void;
    const done = (async (): Promise<BlockOutcome> => {
      if (!this.shell || this.shell.exited) {
        try {
          await this.spawn(true);
        } catch (error) {
          const lost = `connection to ${this.host.name} lost`;
          return { exitCode: null, signal: null, timedOut: false, canceled: false, durationMs: 0, changedVars: [], cwd: this.state.cwd, cwdChanged: false, tail: '', error: this.reason() ? `${lost} (${(error as Error).message})` : lost, left: [] };
        }
      }
      const token = `rb${randomHex(8)}${this.counter++}`;
      const check = request.check === true;
      const file = `"$__rb_dir/block-${this.counter}.sh"`;
      const body = request.script.endsWith('\n') || request.script === '' ? request.script : `${request.script}\n`;
      return new Promise<BlockOutcome>((finish) => {
        const active: Active = {
          token,
          onEvent,
          started: monotonicMs(),
          status: null,
          awaiting: { o: true, e: true },
          state: null,
          timedOut: false,
          canceled: false,
          tail: '',
          timer: null,
          check,
          finish: (outcome) => {
            onEvent({ type: 'end', outcome });
            finish(outcome);
          },
        };
        this.active = active;
        cancel = () => this.interrupt(active, 'canceled');
        if (request.timeoutMs !== null && request.timeoutMs <= LONGEST_TIMER_MS) active.timer = setTimeout(() => this.interrupt(active, 'timedOut'), request.timeoutMs);
        onEvent({ type: 'start', at: Date.now() });
        const cd = request.cwd ? `${heredoc('__rb_s', request.cwd)}` : '';
        const state = check ? "''" : '1';
        const runLine = runBlockLine(file, request.errexit, request.pipefail, state);
        const line = request.cwd
          ? `__rb_back=$PWD; builtin cd -- "$__rb_s" && { ${runLine}; }; __rb_status=$?; builtin cd -- "$__rb_back"; __rb_done ${token} $__rb_status ${state}\n`
          : `${runLine}; __rb_done ${token} $? ${state}\n`;
        this.shell!.child.stdin!.write(`${heredoc('__rb_b', body)}builtin printf '%s' "$__rb_b" > ${file}\n${cd}${line}`);
      });
    })();
    return { done, cancel: () => cancel() };
  }

  /** SIGINT, then SIGTERM, then SIGKILL to the remote shell's whole process group, sent over the master. */
  private interrupt(active: Active, why: 'canceled' | 'timedOut'): void {
    if (this.active !== active || active.canceled || active.timedOut) return;
    active[why] = true;
    const shell = this.shell;
    const pid = shell?.pid;
    if (!shell || !pid) return;
    const signal = (name: string) => {
      if (!shell.exited) void this.ssh.command(this.host, `kill -${name} -- -${pid} 2>/dev/null`);
    };
    signal('INT');
    setTimeout(() => signal('TERM'), this.graceMs).unref();
    setTimeout(() => signal('KILL'), this.graceMs * 2).unref();
    // The host may not answer at all: the local ssh is not waited for past the escalation.
    setTimeout(() => shell.exited || shell.child.kill('SIGKILL'), this.graceMs * 3).unref();
  }

  /**
   * Ends the host's session: the shell's input closes, then every process group a shell of this
   * session led on the host gets SIGTERM, then SIGKILL, and the session's remote folders go.
   */
  async close(): Promise<void> {
    const shell = this.shell;
    const groups = [...this.groups].map((g) => `-${g}`).join(' ');
    const kill = `kill -TERM -- ${groups} 2>/dev/null; sleep 0.1; kill -KILL -- ${groups} 2>/dev/null`;
    const folders = `rm -rf "\${TMPDIR:-/tmp}"/runbook-${this.id}.*`;
    if (shell && !shell.exited && shell.pid) {
      // The shell itself does it, on its way out: no other session on the host. The killing is
      // handed to a process of its own session (setsid), so it outlives the groups it ends and
      // the shell need not wait for it.
      const exited = new Promise<void>((resolve) => shell.child.once('exit', () => resolve()));
      shell.child.stdin!.end(`builtin trap - EXIT; ${folders}; if command -v setsid >/dev/null; then setsid bash -c '${kill}' </dev/null >/dev/null 2>&1 61>&- 62>&- & else ${kill}; fi; builtin exit 0\n`);
      const late = setTimeout(() => shell.child.kill('SIGKILL'), 3 * this.graceMs);
      await exited;
      clearTimeout(late);
      return;
    }
    // No shell to ask (the connection was lost, or it never started): a command of its own does it.
    shell?.child.stdin!.end();
    await this.ssh.command(this.host, `${kill}; ${folders}; true`);
    if (shell && !shell.exited) shell.child.kill('SIGKILL');
  }
}
