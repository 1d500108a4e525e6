import { declaredSecrets, isSecretName, scenarioReferences, SECRET_NAME, type Runbook, type Scenario } from '../parser/index.js';

/** Where a variable's value came from, highest precedence first. */
export type ValueSource = 'set' | 'env' | 'front-matter' | 'knob-table' | 'prompt';

/** The variables a run will use. */
export interface ResolvedVariables {
  /** Runbook variables with a value, passed to the shell as environment variables. */
  values: Record<string, string>;
  sources: Record<string, ValueSource>;
  /** Variables blocks use that have no value from any source, with the lines that use them. */
  missing: Array<{ name: string; lines: number[] }>;
  /** Names whose values are masked. */
  secretNames: Set<string>;
}

/**
 * Resolves runbook variables. Precedence, highest first: `--set NAME=VALUE`, the process
 * environment, front matter (`env:`/`variables:`/`vars:`), knob-table defaults. A use with an
 * inline default (`${X:-d}`) or after an earlier assignment needs nothing, and so does a name the
 * runbook does not declare used in a block on other hosts (`hostBlocks`): the host's own
 * environment has it (`$HOSTNAME`, `$SSH_CONNECTION`).
 */
export function resolveVariables(model: Runbook, env: NodeJS.ProcessEnv, set: Record<string, string>, onlyBlocks?: Set<number>, hostBlocks?: Set<number>): ResolvedVariables {
  const values: Record<string, string> = {};
  const sources: Record<string, ValueSource> = {};
  const secretNames = new Set<string>();
  const give = (name: string, value: string | null | undefined, source: ValueSource) => {
    if (value === null || value === undefined || name in values) return;
    values[name] = value;
    sources[name] = source;
  };
  const declared = new Set(model.declarations.map((d) => d.name));
  const used = new Set(model.references.map((r) => r.name));
  for (const [name, value] of Object.entries(set)) give(name, value, 'set');
  for (const name of [...declared, ...used]) give(name, env[name], 'env');
  for (const d of model.declarations.filter((d) => d.source === 'front-matter')) give(d.name, d.default, 'front-matter');
  for (const d of model.declarations.filter((d) => d.source === 'knob-table')) give(d.name, d.default, 'knob-table');
  for (const name of declaredSecrets(model)) secretNames.add(name);
  for (const name of Object.keys(set)) if (isSecretName(name)) secretNames.add(name);
  const missing = new Map<string, number[]>();
  for (const ref of model.references) {
    if (onlyBlocks && !onlyBlocks.has(ref.block)) continue;
    if (ref.assignedBefore || ref.default !== null || ref.name in values || ref.name in env) continue;
    if (hostBlocks?.has(ref.block) && !declared.has(ref.name)) continue;
    missing.set(ref.name, [...(missing.get(ref.name) ?? []), ref.line]);
  }
  return { values, sources, missing: [...missing].map(([name, lines]) => ({ name, lines })), secretNames };
}

/** Every value to mask: the runbook's secret variables and secret-looking names in the environment. */
export function secretValues(resolved: ResolvedVariables, env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  for (const name of resolved.secretNames) {
    const value = resolved.values[name] ?? env[name];
    if (value) out.add(value);
  }
  for (const [name, value] of Object.entries(env)) {
    if (value && SECRET_NAME.test(name) && value.length >= 4 && !/^(?:true|false|yes|no)$/i.test(value)) out.add(value);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Parses `--set NAME=VALUE` arguments. */
export function parseSets(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? '' : pair.slice(0, eq);
    if (!/^[A-Za-z_]\w*$/.test(name)) throw new RangeError(`--set takes NAME=VALUE, got "${pair}"`);
    out[name] = pair.slice(eq + 1);
  }
  return out;
}

/**
 * Variables scenario commands and checks use that no source gives a value and no block before
 * the row assigns: like blocks, an error before anything runs.
 */
export function scenarioMissing(model: Runbook, scenarios: Scenario[], values: Record<string, string>, env: NodeJS.ProcessEnv): Array<{ name: string; lines: number[] }> {
  const chosen = new Set(scenarios.map((s) => s.index));
  const missing = new Map<string, number[]>();
  for (const ref of scenarioReferences(model)) {
    if (!chosen.has(ref.scenario) || ref.assignedBefore || ref.default !== null || ref.name in values || ref.name in env) continue;
    const line = model.scenarios[ref.scenario]!.line;
    const lines = missing.get(ref.name) ?? [];
    if (!lines.includes(line)) lines.push(line);
    missing.set(ref.name, lines);
  }
  return [...missing].map(([name, lines]) => ({ name, lines }));
}
