import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The built CLI, run as a user runs it. */
export const BIN = resolve('bin/runbook.js');

/**
 * Runs `runbook ...args` as a real process and collects its output. One that outlives `timeoutMs`
 * (five minutes unless said: no command a test runs comes near it) is killed and its code is null,
 * so that a hang fails its test instead of holding the whole suite.
 */
export function runCli(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    input: options.input ?? '',
    encoding: 'utf8',
    // The CLI writes GitHub Actions' workflow commands when it runs there; tests ask for them.
    env: { ...process.env, FORCE_COLOR: '0', GITHUB_ACTIONS: '', ...options.env },
    maxBuffer: 1 << 28,
    timeout: options.timeoutMs ?? 300_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
