import { INLINE_RULE } from '../../parser/index.js';
import type { Rule } from '../types.js';

/**
 * A paragraph (or a document) with more inline markup than the parser reads (see docs/syntax.md,
 * "Limits"): the rest of it was read as plain text. Everything else in the document was audited.
 */
export const inlineLimit: Rule = {
  id: INLINE_RULE,
  severity: 'warning',
  description: 'A paragraph holds more inline markup than runbook reads; the rest of it was read as plain text.',
  check({ model }) {
    return model.problems.filter((p) => p.ruleId === INLINE_RULE).map((p) => ({ line: p.line, column: p.column, message: p.message }));
  },
};
