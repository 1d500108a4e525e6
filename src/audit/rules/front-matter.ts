import type { Rule } from '../types.js';

/**
 * Front matter that is not valid YAML: the session record in it (template, commit, who made it)
 * cannot be read, so nothing that depends on it (template drift, the session's start folder) was
 * checked.
 */
export const frontMatter: Rule = {
  id: 'front-matter',
  severity: 'error',
  description: 'The front matter is not valid YAML: the session record in it cannot be read.',
  check({ model }) {
    return model.problems.filter((p) => p.ruleId === 'front-matter').map((p) => ({ line: p.line, column: p.column, message: p.message }));
  },
};
