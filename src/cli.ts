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

/** Standard output and error, as the command writes them. */
let outputs: NodeJS.WriteStream[] = [];

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${__VERSION__}\n`);
} else {
  setFlagsFor(argv[0]);
  const loaded = loadBundle(__dirname, __BUNDLE__, argv[0]);
  if (loaded.compiled) process.once('exit', () => loaded.save());
  const { main } = loaded.exports as typeof import('./main.js');
  // A reader that goes away (`runbook list x | head`) is not an error: what it no longer reads is
  // dropped, and the command finishes as it would have (a run's output still goes to its log).
  const stdout = standardOutput();
  outputs = [stdout, process.stderr];
  for (const stream of outputs) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    });
  }
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
    await Promise.all(outputs.map((stream) => flushed(stream)));
    // A signal that ends the tool decides how it ends (see listenForSignals).
    await ending;
    process.exit(code);
  });
}

/**
 * Standard output. Redirected into a file (`runbook audit --format sarif > results.sarif`), it is
 * written with each string as it comes: Node's own stream for a file first copies every string
 * into a new buffer, which for an audit's 20 MB of findings costs more than writing them.
 * Anything else (a terminal, a pipe) is Node's stream.
 */
function standardOutput(): NodeJS.WriteStream {
  let file = false;
  try {
    file = fstatSync(1).isFile();
  } catch {
    // No standard output at all: Node's stream says so when written to.
  }
  if (!file) return process.stdout;
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, encoding: BufferEncoding, done: (error?: Error | null) => void) {
      try {
        if (typeof chunk === 'string') writeSync(1, chunk, null, encoding);
        else writeSync(1, chunk);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  }) as unknown as NodeJS.WriteStream;
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
      await Promise.all(outputs.map((stream) => flushed(stream, Date.now() + 3000)));
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
function flushed(stream: NodeJS.WriteStream, deadline = Infinity): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (stream.writableLength === 0 || stream.destroyed || Date.now() >= deadline ? resolve() : setTimeout(check, 1));
    check();
  });
}
