import { isLoopback } from '../report/address.js';
import { println, type Io } from '../io.js';
import { serveWatch } from '../report/serve.js';

export interface WatchOptions {
  host?: string;
  port?: number;
}

/**
 * `runbook watch SESSION.md`: a live, read-only page of the session for observers, on loopback
 * unless `--host` says otherwise. Ends when the session it sees running ends, or on Ctrl-C.
 */
export async function watchCommand(file: string, options: WatchOptions, io: Io): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const server = await serveWatch(file, { host, port: options.port, env: io.env, untilSessionEnds: true });
  // Ctrl-C is listened for before the address goes out: whoever reads it may stop us at once.
  const stop = io.onSignal?.(() => server.close());
  if (!isLoopback(host)) println(io.stderr, `runbook: warning: serving on ${host}: anyone who can reach this machine and has the address can watch the session`);
  println(io.stdout, `watching ${file}: ${server.url}`);
  println(io.stdout, 'read-only; ends when the session ends, or on Ctrl-C');
  try {
    await server.ended;
  } finally {
    stop?.();
  }
  return 0;
}
