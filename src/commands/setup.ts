import { spawnSync } from 'node:child_process';
import { MASK } from '../executor/redact.js';
import { UserError } from '../errors.js';
import type { Io } from '../io.js';
import type { Runbook } from '../parser/index.js';
import { operatorName } from '../session/template.js';
import { parseSets, resolveVariables, secretValues, type ResolvedVariables } from '../session/variables.js';

/** What `run` and `play` need before a session starts. */
export interface Setup {
  resolved: ResolvedVariables;
  secrets: string[];
  /** The shell's environment: the process environment plus the runbook's variables. */
  env: Record<string, string>;
  operator: string;
  /** A variable's value as it may be shown: masked when secret. */
  show: (name: string, value: string) => string;
}

/** Resolves variables and secrets, and checks bash is there. */
export function setup(model: Runbook, io: Io, sets: string[], blocks?: Set<number>): Setup {
  let set: Record<string, string>;
  try {
    set = parseSets(sets);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const resolved = resolveVariables(model, io.env, set, blocks);
  const secrets = secretValues(resolved, io.env);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(io.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, resolved.values);
  return {
    resolved,
    secrets,
    env,
    operator: operatorName(io.env, io.cwd),
    show: (name, value) => (resolved.secretNames.has(name) ? MASK : value),
  };
}

/** Refuses to start a session where there is no bash to run blocks. */
export function requireBash(): void {
  if (spawnSync('bash', ['-c', 'true']).error) throw new UserError('bash is not on PATH; runbook runs shell blocks with bash');
}

/**
 * When the terminal goes away (SIGHUP) or the tool is told to stop (SIGTERM), stop the running
 * block and every process of the session, record the abort, and exit: nothing keeps running.
 * Returns the function that removes the handlers.
 */
export function stopOnHangup(stop: (signal: string) => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals) => {
    void stop(signal).finally(() => process.exit(1));
  };
  process.on('SIGHUP', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGHUP', handler);
    process.off('SIGTERM', handler);
  };
}
