import type { Readable, Writable } from 'node:stream';
import { execa } from 'execa';

/** One of the shell's output streams. */
export type Stream = 'stdout' | 'stderr';

/** One bash process of a session. */
export interface Shell {
  pid: number;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Streams that reached their end (never, while a process a block left behind holds them). */
  ended: Record<Stream, boolean>;
  exited: boolean;
  /** Resolves once the process has exited. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts bash leading its own session and process group, with stdin, stdout and stderr as pipes
 * and no other descriptor: nothing a block starts inherits anything but its output streams.
 */
export function spawnShell(cwd: string, env: Record<string, string>): Shell {
  const child = execa('bash', ['--noprofile', '--norc'], {
    cwd,
    env,
    extendEnv: false,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    reject: false,
    buffer: false,
    cleanup: true,
  });
  void child.catch(() => undefined);
  const shell: Shell = {
    pid: child.pid ?? 0,
    stdin: child.stdin!,
    stdout: child.stdout!,
    stderr: child.stderr!,
    ended: { stdout: false, stderr: false },
    exited: false,
    exit: new Promise((resolve) => {
      const exited = (code: number | null, signal: NodeJS.Signals | null) => {
        shell.exited = true;
        resolve({ code, signal });
      };
      child.once('exit', exited);
      // A shell that could not be started (its folder gone, say) never exits: it never ran.
      if (child.pid === undefined) child.once('error', () => exited(null, null));
    }),
  };
  shell.stdin.on('error', () => undefined);
  for (const stream of ['stdout', 'stderr'] as const) {
    shell[stream].once('end', () => (shell.ended[stream] = true));
    shell[stream].on('error', () => undefined);
  }
  if (shell.pid) track(shell.pid);
  return shell;
}

/** True once `shell` has exited, false if it is still running after `ms`. */
export function exitWithin(shell: Shell, ms: number): Promise<boolean> {
  if (shell.exited) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void shell.exit.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Lets go of a shell's pipes without waiting for their end: processes a block left behind may
 * hold them open for as long as they run.
 */
export function release(shell: Shell): void {
  shell.stdin.destroy();
  shell.stdout.destroy();
  shell.stderr.destroy();
  liveGroups.delete(shell.pid);
}

/** Sends a signal to a process group; false when the group no longer exists. */
export function signalGroup(group: number, signal: NodeJS.Signals): boolean {
  return signalProcess(-group, signal);
}

/** Sends a signal to a process (a group, when negative); false when there is none. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
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
