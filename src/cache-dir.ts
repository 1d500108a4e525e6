import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The user's cache folder for runbook: `RUNBOOK_CACHE_DIR` when set, else `runbook/` under
 * `$XDG_CACHE_HOME` or `~/.cache`. Everything in it is a speed-up, rebuilt when missing: it is
 * safe to delete at any time.
 */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.RUNBOOK_CACHE_DIR) return env.RUNBOOK_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'runbook');
}
