import { readFileSync } from 'node:fs';
import { own } from '../io.js';
import { declaredValues } from './declare.js';
import { SHELL_OWNED } from './prelude.js';
import { SecretMatcher } from './redact.js';

/** The shell's working directory and variables after a block, as `declare -p` printed them. */
export interface ShellState {
  cwd: string;
  /** Variable name → its `declare -p` line. */
  vars: Map<string, string>;
  /**
   * Names a state file left out because they held a secret (read from the file; empty for a
   * live shell): a resumed session has to be given them again.
   */
  withheld?: string[];
  /**
   * The command a block stopped at under errexit, and its line in the block's own file (null when
   * it failed in a function or a file of another), as the session's ERR trap noted them.
   */
  stoppedAt?: { command: string; line: number | null };
  /** The shell functions blocks defined, as `declare -f` prints them (the session's own left out). */
  functions?: string;
  /** The `declare -p` line of the ERR trap handler a block set (see the prelude), carried on resume. */
  errTrap?: string;
}

/** The line of a state file that names the variables it left out. */
const WITHHELD = /^# withheld:(.*)$/;

/** Reads a state file written by `__rb_done`: the directory, a NUL, then `declare -p` output. */
export function readState(path: string): ShellState | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  return parseState(text);
}

/**
 * Reads a state as `__rb_done` writes it: the directory, a NUL, then `declare -p` output, and (from
 * a local shell) a NUL and `declare -f` output.
 */
export function parseState(text: string): ShellState | null {
  const nul = text.indexOf('\0');
  if (nul === -1) return null;
  const functionsAt = text.indexOf('\0', nul + 1);
  const vars = new Map<string, string>();
  const withheld: string[] = [];
  const noted: Record<string, string> = {};
  // bash 5 prints one line per variable, quoting newlines as $'\n'.
  let errTrap: string | undefined;
  for (const line of text.slice(nul + 1, functionsAt === -1 ? text.length : functionsAt).split('\n')) {
    if (line.startsWith('# withheld:')) {
      withheld.push(...WITHHELD.exec(line)![1]!.split(' ').filter(Boolean));
      continue;
    }
    const declared = declaredName(line);
    if (declared?.name === '__rb_fail_cmd' || declared?.name === '__rb_fail_line') {
      noted[declared.name] = declaredValues(line)[0] ?? '';
      continue;
    }
    if (declared?.name === '__rb_err_h') {
      if (declaredValues(line)[0]) errTrap = line;
      continue;
    }
    // Read-only variables a block made are state too (a new shell makes them read-only again);
    // bash's own read-only ones (BASHOPTS, UID…) are among those the shell owns.
    if (declared === null || SHELL_OWNED.test(declared.name)) continue;
    vars.set(declared.name, line);
  }
  const state: ShellState = { cwd: own(text.slice(0, nul)), vars, withheld };
  if (functionsAt !== -1) {
    const functions = ownFunctions(text.slice(functionsAt + 1));
    if (functions) state.functions = functions;
  }
  if (errTrap) state.errTrap = errTrap;
  if (noted.__rb_fail_cmd) state.stoppedAt = { command: own(noted.__rb_fail_cmd), line: /^\d+$/.test(noted.__rb_fail_line ?? '') ? Number(noted.__rb_fail_line) : null };
  return state;
}

/**
 * The name a `declare -p` line declares (`declare -FLAGS NAME[=…]`), and whether it is read-only;
 * null for any other line. Read by hand rather than with a regular expression (a match array
 * per line): a session reads some hundred of these after every step.
 */
function declaredName(line: string): { name: string; readonly: boolean } | null {
  if (!line.startsWith('declare -')) return null;
  const space = line.indexOf(' ', 9);
  if (space <= 9) return null;
  let end = space + 1;
  for (let c = line.charCodeAt(end); (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (end > space + 1 && c >= 48 && c <= 57); c = line.charCodeAt(++end));
  if (end === space + 1 || (end < line.length && line.charCodeAt(end) !== 61)) return null;
  return { name: line.slice(space + 1, end), readonly: line.lastIndexOf('r', space) > 8 };
}

/** Names whose declaration differs between two states (set, changed or unset). */
export function changedVars(before: ShellState, after: ShellState): string[] {
  const names = new Set([...before.vars.keys(), ...after.vars.keys()]);
  return [...names].filter((name) => before.vars.get(name) !== after.vars.get(name)).map(own).sort();
}

/**
 * The functions of `declare -f` output, each whole; bash prints each as `NAME () ` at the start of
 * a line, its body indented, its closing brace alone at the start of a line.
 */
function definitions(declared: string): Array<{ name: string; text: string }> {
  return declared
    .split(/^(?=\S+ \(\) $)/m)
    .filter((text) => text.trim() !== '')
    .map((text) => ({ name: /^(\S+) \(\) /.exec(text)?.[1] ?? '', text }));
}

/** `declare -f` output but the session's own functions (`__rb_…`, and `trap`, which keeps its ERR trap beside a block's). */
function ownFunctions(declared: string): string {
  return definitions(declared)
    .filter((f) => !/^(?:__rb_\w*|trap)$/.test(f.name))
    .map((f) => f.text)
    .join('');
}

/**
 * A script that recreates a state in a new shell: its variables (`declare` at top level is
 * global), the ERR trap handler a block set, and the functions blocks defined.
 */
export function restoreScript(state: ShellState): string {
  return [...state.vars.values(), ...(state.errTrap ? [state.errTrap] : []), ...(state.functions ? [state.functions] : [])].join('\n');
}

/**
 * A state as text, for a file: the directory, a NUL, one `declare -p` line per variable (and the
 * ERR trap handler's), then a NUL and the functions.
 */
export function serializeState(state: ShellState, keep: (name: string) => boolean = () => true): string {
  const lines = [...state.vars].filter(([name]) => keep(name)).map(([, line]) => line);
  if (state.errTrap) lines.push(state.errTrap);
  return `${state.cwd}\0${lines.join('\n')}\n${state.functions ? `\0${state.functions}` : ''}`;
}

/** The value(s) of a variable in a state: one for a scalar, one per element of an array. */
export function valuesOf(state: ShellState, name: string): string[] {
  const line = state.vars.get(name);
  return line === undefined ? [] : declaredValues(line);
}

/**
 * A state as a file may hold it: every variable but the secret ones (`secretNames`) and those
 * whose value holds a secret value in any form (`COPY="$TOKEN"`, `URL=…:$PASS@host`), with a
 * `# withheld:` line naming what was left out (names only) so a resume can ask for them again.
 */
export function stateForDisk(state: ShellState, secretNames: ReadonlySet<string>, secretValues: readonly string[]): string {
  const matcher = new SecretMatcher(secretValues);
  const withheld = [...state.vars].filter(([name, line]) => secretNames.has(name) || matcher.test(line)).map(([name]) => name);
  const left = new Set(withheld);
  // A function whose text holds a secret value (one an `eval` wrote out) is not kept either.
  const functions = state.functions === undefined ? undefined : definitions(state.functions).filter((f) => !matcher.test(f.text)).map((f) => f.text).join('');
  const text = serializeState({ ...state, functions }, (name) => !left.has(name));
  return withheld.length ? text.replace('\0', `\0# withheld: ${withheld.join(' ')}\n`) : text;
}
