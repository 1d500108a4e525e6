/** How one block should run. */
export interface RunRequest {
  /** The script, exactly as it will run (after any edit by the operator). */
  script: string;
  /** Working directory for this block only (the `cwd=` option), absolute. */
  cwd?: string;
  /** Time limit in ms, or null for none. */
  timeoutMs: number | null;
  errexit: boolean;
  pipefail: boolean;
  /**
   * A check run over and over (a recovery poll): it runs in a subshell, so it cannot change the
   * session's variables or directory, and the session does not read its state afterwards.
   */
  check?: boolean;
}

/** How a block ended. A failing block is a result, not an exception. */
export interface BlockOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  canceled: boolean;
  durationMs: number;
  /** Variables the block set, changed or unset (names only). */
  changedVars: string[];
  /** Of those, the ones it unset. */
  unsetVars?: string[];
  /** The working directory after the block. */
  cwd: string;
  cwdChanged: boolean;
  /** The last lines of output, for a failure message (bounded). */
  tail: string;
  /** Set when the block could not start (its `cwd` does not exist, say). */
  error: string | null;
  /**
   * The file the shell read the block from, as its own error messages name it
   * (`FILE: line 3: curl: command not found`); set by a local shell.
   */
  script?: string;
  /**
   * The command the block stopped at under errexit and its line in the block (1-based; null when
   * it failed inside a function or a file of another), when the shell noted one.
   */
  stoppedAt?: { command: string; line: number | null };
  /**
   * Processes the block started that were still running when it ended (a background service, a
   * `nohup`ed or `disown`ed job, a `setsid` child). Of a timed-out or canceled block, only those
   * that left its process group: the rest are being stopped. Always set by `ShellSession`.
   */
  left?: SessionProcess[];
}

/** A process a session started that is still running. */
export interface SessionProcess {
  pid: number;
  /** Its command line (arguments joined by spaces, secrets masked, cut to 200 characters). */
  command: string;
  /**
   * True when it left the session's process groups for a session of its own (`setsid`, a
   * daemon's double fork): stopping a block or closing the session does not end it.
   */
  detached: boolean;
}

/** What the executor tells its listener; it never prints. */
export type ExecEvent =
  | { type: 'start'; at: number }
  /** `host`: the other host it came from, for a block on other hosts. */
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string; host?: string }
  | { type: 'end'; outcome: BlockOutcome };

/** A block under way. */
export interface Running {
  done: Promise<BlockOutcome>;
  /** Stops the block: SIGINT, then SIGTERM, then SIGKILL to every process the session started. */
  cancel(): void;
}

/**
 * The longest a timer waits (2^31 − 1 ms, about 24.8 days): a time limit beyond it would fire at
 * once, so it is no limit at all — what someone writing `timeout=1000h` means.
 */
export const LONGEST_TIMER_MS = 2 ** 31 - 1;
