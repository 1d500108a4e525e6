import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The built CLI, run as a user runs it. */
export const BIN = resolve('bin/runbook.js');

/** Runs `runbook ...args` as a real process and collects its output. */
/** Runs the built CLI; one that outlives `timeoutMs` is killed, and its code is null. */
export function runCli(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    input: options.input ?? '',
    encoding: 'utf8',
    // The CLI writes GitHub Actions' workflow commands when it runs there; tests ask for them.
    env: { ...process.env, FORCE_COLOR: '0', GITHUB_ACTIONS: '', ...options.env },
    maxBuffer: 1 << 28,
    timeout: options.timeoutMs,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
