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
/**
 * Text quoted from a document, safe to print to a terminal: control characters (an escape
 * sequence that would clear the screen, retitle the window or hide the lines around it) shown as
 * `\xNN` instead of acted on. Tabs stay.
 */
export function printable(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function println(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}

/**
 * Files larger than this are refused rather than parsed for minutes: reading takes about 65 MB
 * of memory per MB of Markdown (docs/syntax.md, "Limits"), so 6 MB stays under 500 MB.
 */
export const MAX_BYTES = Number(process.env.RUNBOOK_MAX_BYTES) || 6 * 1024 * 1024;

/**
 * `part` as a string of its own. A part cut from a longer string (a slice, a line of a split, a
 * trim) keeps all of that string alive, and some parts are kept long: what a block's outcome says
 * is kept for the whole session while it was cut from a 64 KB chunk of output or some kilobytes of
 * `declare -p` (1 000 blocks kept 4 MB of states), an audit keeps every finding's line until it
 * prints them (1 000 session docs kept each whole text).
 */
export function own(part: string): string {
  // Characters up to U+00FF go through a buffer, which gives a string of one byte a character:
  // a part cut from a text with any wider character (an em dash, an emoji) is two bytes a
  // character, and so is every string made with it, down to an audit's whole JSON output (made
  // and written five times slower: 0.44 s against 0.08 s for 1 000 session docs). Other parts get
  // a character put in front, which makes V8 copy them into one piece before it cuts that
  // character off again: the copy is all the result holds.
  return LATIN1.test(part) ? Buffer.from(part, 'latin1').toString('latin1') : ` ${part}`.slice(1);
}
const LATIN1 = /^[\0-\xff]*$/;
