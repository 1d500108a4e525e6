import { valuesOf, type ShellState } from '../executor/state.js';
import { declaredSecrets, isSecretName, type Runbook } from '../parser/index.js';

/** What is secret in a session at one moment. */
export interface SessionSecrets {
  /** Variables whose values are secret: never saved, always masked. */
  names: Set<string>;
  /** Values to mask, longest first (each with the forms bash prints it in, by the redactor). */
  values: string[];
}

/** Words too common to mask everywhere, whatever a variable's name says (`USE_KEYRING=true`). */
const COMMON = /^(?:true|false|yes|no|on|off|null|none)$/i;

/**
 * The one rule for what is secret: a variable is secret when the runbook says so (front matter
 * `secret: true`, a block's `secret=` option, a name that marks itself, as `declaredSecrets`
 * reads them; `declared` may add names prompted as secret) or when it exists — in the shell
 * after a block, or in the environment a session starts with — under a name that marks it
 * secret (`export SESSION_TOKEN=…`). Its values join `known` (values given before, kept so a
 * secret later unset or changed is still masked). A value a name alone makes secret is masked
 * only when it looks like one: 4 characters or more and not a word like `true`.
 */
export function sessionSecrets(declared: ReadonlySet<string>, variables: ShellState | Readonly<Record<string, string | undefined>>, known: readonly string[] = []): SessionSecrets {
  const state = isState(variables) ? variables : null;
  const present = state ? [...state.vars.keys()] : Object.keys(variables);
  const names = new Set(declared);
  for (const name of present) if (isSecretName(name)) names.add(name);
  const values = new Set(known);
  for (const name of names) {
    const found = state ? valuesOf(state, name) : [(variables as Record<string, string | undefined>)[name] ?? ''];
    const byNameOnly = !declared.has(name);
    for (const value of found) {
      if (value.length < 3 || COMMON.test(value) || (byNameOnly && value.length < 4)) continue;
      values.add(value);
    }
  }
  return { names, values: [...values].sort((a, b) => b.length - a.length) };
}

/** `sessionSecrets` for a runbook: its declared secrets, then what `variables` holds. */
export function runbookSecrets(model: Pick<Runbook, 'declarations' | 'references' | 'blocks'>, variables: ShellState | Readonly<Record<string, string | undefined>>, known: readonly string[] = []): SessionSecrets {
  return sessionSecrets(declaredSecrets(model), variables, known);
}

function isState(value: unknown): value is ShellState {
  return typeof value === 'object' && value !== null && (value as ShellState).vars instanceof Map;
}

/**
 * What a resumed session has to ask for again: the names its state file withheld that no source
 * gives now (`given`: the environment the new shell starts with, `--set`, front matter, …).
 */
export function askAgain(restored: Pick<ShellState, 'withheld'>, given: Readonly<Record<string, string | undefined>>): string[] {
  return (restored.withheld ?? []).filter((name) => given[name] === undefined);
}
