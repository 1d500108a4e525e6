// The only module that touches `process`: it hands argv and the streams to `main` and sets the
// exit code. It is built as CommonJS (dist/cli.cjs): Node starts a CommonJS entry faster than an
// ES module. `--version` is answered before anything else is loaded, so it costs a bare start.
// Everything else lives in one CommonJS bundle loaded through V8's code cache (see
// compile-cache.ts), one cache per command, written on first use into the user's cache folder
// (see cache-dir.ts) for the Node version running; the play screen is a separate ES module the
// bundle imports on demand.
import { fstatSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { loadBundle, setFlagsFor } from './compile-cache.js';

declare const __VERSION__: string;
declare const __BUNDLE__: string;

/**
 * The streams a command writes: standard output (see `standardOutput`) and standard error, which
 * `--version` never opens.
 */
const outputs = (): Writable[] => [stdout, process.stderr];

/**
 * Why standard output redirected into a file could not be written (a full disk, a size limit),
 * once it could not: what the command prints after that is dropped, the command finishes (a
 * session still writes its document and journal), and the tool then says so and exits with 2.
 */
let outputFailure: string | null = null;

const argv = process.argv.slice(2);
const stdout = standardOutput();
// A reader that goes away (`runbook list x | head`) is not an error: what it no longer reads is
// dropped, and the command finishes as it would have (a run's output still goes to its log).
const readerMayLeave = (stream: Writable) =>
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
readerMayLeave(stdout);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  stdout.write(`${__VERSION__}\n`);
  if (outputFailed()) process.exitCode = 2;
} else {
  setFlagsFor(argv[0]);
  const loaded = loadBundle(__dirname, __BUNDLE__, argv[0]);
  if (loaded.compiled) process.once('exit', () => loaded.save());
  const { main } = loaded.exports as typeof import('./main.js');
  readerMayLeave(process.stderr);
  const io = {
    stdout,
    stderr: process.stderr,
    // Opening standard input costs a stream; only commands that read it pay for it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    onSignal: listenForSignals,
  };
  // Once the command is done and what it printed has left, the tool ends: waiting for the event
  // loop to empty would only give V8 time for a last collection of the heap (about 12 ms after a
  // block that printed a lot). The session's files are written synchronously; a pipe on standard
  // output is not (a slow reader leaves writes queued), so those are waited for.
  void main(argv, io).then(async (code) => {
    await Promise.all(outputs().map((stream) => flushed(stream)));
    // A signal that ends the tool decides how it ends (see listenForSignals).
    await ending;
    process.exit(outputFailed() ? 2 : code);
  });
}

/**
 * Standard output. Redirected into a file or a device that is not a terminal (`runbook audit
 * --format sarif > results.sarif`), it is written with each string as it comes: Node's own stream
 * for a file first copies every string into a new buffer, which for an audit's 21 MB of findings
 * costs more than writing them, and reports a failed write only after the tool has exited. A
 * terminal or a pipe is Node's stream.
 */
function standardOutput(): Writable {
  let file = false;
  try {
    const stat = fstatSync(1);
    // The terminal module is loaded only for a device (it costs milliseconds to load).
    file = stat.isFile() || (stat.isCharacterDevice() && !(require('node:tty') as typeof import('node:tty')).isatty(1));
  } catch {
    // No standard output at all: Node's stream says so when written to.
  }
  if (!file) return process.stdout;
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, encoding: BufferEncoding, done: () => void) {
      if (outputFailure === null) {
        try {
          writeWhole(chunk, encoding);
        } catch (error) {
          const { code, message } = error as NodeJS.ErrnoException;
          outputFailure = code ?? message;
        }
      }
      done();
    },
  });
}

/** Writes `chunk` to standard output whole: a write cut short (the disk filling up) goes on from where it stopped. */
function writeWhole(chunk: string | Buffer, encoding: BufferEncoding): void {
  let rest = chunk;
  if (typeof chunk === 'string') {
    const written = writeSync(1, chunk, null, encoding);
    if (written === Buffer.byteLength(chunk, encoding)) return;
    rest = Buffer.from(chunk, encoding).subarray(written);
  }
  for (let buffer = rest as Buffer; buffer.length; ) buffer = buffer.subarray(writeSync(1, buffer));
}

/**
 * Whether standard output could not be written; if so, says so on standard error. The tool then
 * exits with 2, the code of an input or usage error (see errors.ts), as when a file named to be
 * written cannot be.
 */
function outputFailed(): boolean {
  if (outputFailure === null) return false;
  process.stderr.write(`runbook: cannot write standard output (${outputFailure}); what was printed from then on is lost\n`);
  return true;
}

/** Set once a signal ends the tool: it exits with 1 once the session has recorded the stop. */
let ending: Promise<unknown> | null = null;

/**
 * The only signal handlers: a first Ctrl-C goes to the session (it stops the running step); a
 * second Ctrl-C, SIGTERM or SIGHUP lets the session record the stop, then ends the tool.
 */
function listenForSignals(handler: (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => void | Promise<void>): () => void {
  let interrupts = 0;
  const on = (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => {
    const answer = Promise.resolve(handler(signal));
    if (signal === 'SIGINT' && ++interrupts === 1) return;
    // What was printed before the stop still reaches its reader, for a few seconds at most: a
    // reader that stopped reading must not keep a stopped tool running.
    ending ??= answer.finally(async () => {
      await Promise.all(outputs().map((stream) => flushed(stream, Date.now() + 3000)));
      process.exit(1);
    });
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, on);
  return () => {
    for (const signal of signals) process.off(signal, on);
  };
}

/**
 * Resolves once nothing written to `stream` is still queued (or it can no longer be written), or
 * at `deadline` (ms since the epoch) when there is one.
 */
function flushed(stream: Writable, deadline = Infinity): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (stream.writableLength === 0 || stream.destroyed || Date.now() >= deadline ? resolve() : setTimeout(check, 1));
    check();
  });
}
