import { readFileSync } from 'node:fs';
import { SHELL_OWNED } from './prelude.js';

/** The shell's working directory and variables after a block, as `declare -p` printed them. */
export interface ShellState {
  cwd: string;
  /** Variable name → its `declare -p` line. */
  vars: Map<string, string>;
}

const DECLARE = /^declare -(\S+) ([A-Za-z_]\w*)(?:=|$)/;

/** Reads a state file written by `__rb_done`: the directory, a NUL, then `declare -p` output. */
export function readState(path: string): ShellState | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const nul = text.indexOf('\0');
  if (nul === -1) return null;
  const vars = new Map<string, string>();
  // bash 5 prints one line per variable, quoting newlines as $'\n'.
  for (const line of text.slice(nul + 1).split('\n')) {
    const match = DECLARE.exec(line);
    if (!match || SHELL_OWNED.test(match[2]!) || match[1]!.includes('r')) continue;
    vars.set(match[2]!, line);
  }
  return { cwd: text.slice(0, nul), vars };
}

/** Names whose declaration differs between two states (set, changed or unset). */
export function changedVars(before: ShellState, after: ShellState): string[] {
  const names = new Set([...before.vars.keys(), ...after.vars.keys()]);
  return [...names].filter((name) => before.vars.get(name) !== after.vars.get(name)).sort();
}

/** A script that recreates a state's variables in a new shell (`declare` at top level is global). */
export function restoreScript(state: ShellState): string {
  return [...state.vars.values()].join('\n');
}

/** A state as text, for a file: the directory, a NUL, then one `declare -p` line per variable. */
export function serializeState(state: ShellState, keep: (name: string) => boolean = () => true): string {
  return `${state.cwd}\0${[...state.vars].filter(([name]) => keep(name)).map(([, line]) => line).join('\n')}\n`;
}
