import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { parse } from 'yaml';

/** A step of a composite action, as action.yml declares it. */
interface Step {
  id?: string;
  name?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

type Context = Record<string, unknown>;

const toData = (value: unknown): data.ExpressionData =>
  typeof value === 'object' && value !== null
    ? new data.Dictionary(...Object.entries(value).map(([key, v]) => ({ key, value: toData(v) })))
    : typeof value === 'boolean'
      ? new data.BooleanData(value)
      : new data.StringData(String(value ?? ''));

/**
 * Evaluates a GitHub Actions expression with GitHub's own evaluator (@actions/expressions). The
 * status functions are the runner's, not the language's: `always()` is true, `success()` is
 * whether no step failed so far.
 */
function evaluate(expression: string, context: Context, failed: boolean): data.ExpressionData {
  const source = expression.replace(/\balways\(\)/g, 'true').replace(/\bsuccess\(\)/g, failed ? 'false' : 'true');
  const parsed = new Parser(new Lexer(source).lex().tokens, Object.keys(context), []).parse();
  return new Evaluator(parsed, toData(context) as data.Dictionary).evaluate();
}

/** `text` with every `${{ … }}` replaced by its value. */
const substitute = (text: string, context: Context) => text.replace(/\$\{\{(.*?)\}\}/g, (_all, expression: string) => evaluate(expression, context, false).coerceString());

/** What one step did: skipped, a `uses:` step (not run here, its inputs resolved), or a run's result. */
export type StepResult = { name: string; skipped: true } | { name: string; uses: string; with: Record<string, string> } | { name: string; code: number; stdout: string; stderr: string };

/**
 * Runs the composite action at `actionPath` as the runner would: each step's condition, its
 * expressions (inputs, step outputs), its environment on top of `env` (the runner's GITHUB_*
 * variables), GITHUB_OUTPUT per step, GITHUB_PATH carried to the next steps, in `workspace`.
 * `wanted` picks the steps to run by name; the others are left out (as if not in the file).
 */
export function runAction(actionPath: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv, workspace: string, wanted: (name: string) => boolean = () => true): StepResult[] {
  const action = parse(readFileSync(join(actionPath, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { steps: Step[] } };
  const given = Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, inputs[name] ?? spec.default ?? '']));
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const context: Context = { inputs: given, steps, github: { base_ref: env.GITHUB_BASE_REF ?? '', event_name: env.GITHUB_EVENT_NAME ?? '' } };
  const results: StepResult[] = [];
  let failed = false;
  for (const step of action.runs.steps) {
    const name = step.name ?? step.id ?? '';
    if (!wanted(name)) continue;
    const condition = step.if ?? 'success()';
    if (!evaluate(condition.replace(/^\$\{\{|\}\}$/g, ''), context, failed).coerceString().match(/^true$/)) {
      results.push({ name, skipped: true });
      continue;
    }
    if (step.uses) {
      results.push({ name, uses: step.uses, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(String(v), context)])) });
      continue;
    }
    const output = join(env.RUNNER_TEMP!, `output-${results.length}`);
    writeFileSync(output, '');
    const stepEnv: NodeJS.ProcessEnv = { ...env, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), context)])), GITHUB_OUTPUT: output, GITHUB_ACTION_PATH: actionPath };
    const path = readFileSync(env.GITHUB_PATH!, 'utf8').split('\n').filter(Boolean).reverse();
    stepEnv.PATH = [...path, env.PATH].join(':');
    const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd: workspace, env: stepEnv, encoding: 'utf8', maxBuffer: 1 << 28 });
    const outputs = Object.fromEntries(readFileSync(output, 'utf8').split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    if (step.id) steps[step.id] = { outputs };
    results.push({ name, code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr });
    if (run.status !== 0) failed = true;
  }
  return results;
}

