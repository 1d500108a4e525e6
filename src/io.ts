/** Signals a running session answers: Ctrl-C, the tool told to stop, the terminal gone. */
export type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** The outside world a command may touch, injected so tests can run commands in-process. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /**
   * Calls `handler` when the tool is sent a signal, until the returned function is called. The
   * entry decides what follows: a first Ctrl-C is the handler's to answer; any other signal, or a
   * second Ctrl-C, ends the tool (exit 1) once the handler's promise settles.
   */
  onSignal?(handler: (signal: SignalName) => void | Promise<void>): () => void;
}

/** Writes a line to a stream. */
export function println(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}

/**
 * Files larger than this are refused rather than parsed for minutes: reading takes about 65 MB
 * of memory per MB of Markdown (docs/syntax.md, "Limits"), so 6 MB stays under 500 MB.
 */
export const MAX_BYTES = Number(process.env.RUNBOOK_MAX_BYTES) || 6 * 1024 * 1024;
