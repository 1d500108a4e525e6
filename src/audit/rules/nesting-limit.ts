import { NESTING_RULE } from '../../parser/index.js';
import type { Rule } from '../types.js';

/**
 * A document whose block quotes or list items nest past the parser's limits (see
 * docs/syntax.md, "Limits"): it was not read, so no other rule saw its contents.
 */
export const nestingLimit: Rule = {
  id: NESTING_RULE,
  severity: 'error',
  description: 'Block quotes or list items nest too deep for the document to be read.',
  check({ model }) {
    return model.problems.filter((p) => p.ruleId === NESTING_RULE).map((p) => ({ line: p.line, column: p.column, message: p.message }));
  },
};
