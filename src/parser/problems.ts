import type { Block, Problem, Runbook } from './types.js';

/** Problems with a block's own options: they are reported at the block's opening fence line. */
const OPTION_RULES = new Set(['block-options', 'option-value', 'unsupported-option']);

/**
 * The problems of one block's options. A block with an `error` among them must not run: its
 * options do not read (`block-options`), a value does not (`option-value`: the typed field kept
 * its default, which is not what the author asked for), or it asks for what runbook cannot do
 * yet (`unsupported-option`: `interactive`, `background`, another interpreter).
 */
export function blockProblems(model: Runbook, block: Block): Problem[] {
  return model.problems.filter((p) => p.line === block.line && OPTION_RULES.has(p.ruleId));
}

/** A problem as one line for people: `line 12: timeout=abc is not a duration (30s, 5m, 1h30m)`. */
export function describeProblem(problem: Problem): string {
  return `line ${problem.line}: ${problem.message}`;
}
