import { MASK } from '../executor/redact.js';
import { onPath } from '../executor/which.js';
import { UserError } from '../errors.js';
import type { Io } from '../io.js';
import type { Block, Runbook } from '../parser/index.js';
import { parseSets, resolveVariables, secretValues, type ResolvedVariables } from '../session/variables.js';
import { startDir } from '../session/workdir.js';

/** What `run` and `play` need before a session starts. */
export interface Setup {
  resolved: ResolvedVariables;
  secrets: string[];
  /** The shell's environment: the process environment plus the runbook's variables. */
  env: Record<string, string>;
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
    show: (name, value) => (resolved.secretNames.has(name) ? MASK : value),
  };
}

/**
 * Refuses to run a document whose runnable block has no closing fence: everything after the
 * fence would be its code (GitHub shows the rest of the file as code), and there is no end to
 * write the result line after. Checked before anything runs.
 */
export function refuseUnclosed(file: string, blocks: Block[]): void {
  const open = blocks.filter((b) => b.runnable && b.closeSpan === null);
  if (!open.length) return;
  const where = open.map((b) => `line ${b.line}`).join(', ');
  throw new UserError(`${file}: the code fence at ${where} is never closed, so the block would run everything after it; close it (\`\`\`) and run again`);
}

/** Where the session's first block starts (`--cwd`, front matter `cwd:`, the document's folder). */
export function sessionStart(file: string, model: Runbook, option: string | undefined, io: Io): string {
  try {
    return startDir(file, model.frontMatter?.data ?? {}, option === undefined ? null : { dir: option, base: io.cwd }).dir;
  } catch (error) {
    throw new UserError(`${file}: ${(error as Error).message}; nothing was run`);
  }
}

/** Refuses to start a session where there is no bash to run blocks. */
export function requireBash(env: NodeJS.ProcessEnv): void {
  if (!onPath('bash', env.PATH)) throw new UserError('bash is not on PATH; runbook runs shell blocks with bash');
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
