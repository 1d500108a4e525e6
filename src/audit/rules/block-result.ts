import type { Rule } from '../types.js';

/**
 * A ticked task whose block has no result line, or whose block's result did not pass; and a
 * result line that contradicts itself (a pass with a non-zero exit code is never written: it
 * was edited by hand).
 */
export const blockResult: Rule = {
  id: 'block-result',
  severity: 'error',
  description: 'A ticked task owns a block that has no result, or whose result is not a pass; a result line says it passed with a non-zero exit code.',
  check({ model }) {
    const contradicted = model.blocks
      .filter((block) => block.result?.outcome === 'passed' && block.result.exitCode !== null && block.result.exitCode !== 0)
      .map((block) => ({ line: block.result!.line, column: 1, message: `the result line says passed with exit ${block.result!.exitCode}: a pass exits 0, so the line was edited` }));
    return model.blocks
      .filter((block) => block.runnable && block.task !== null && model.tasks[block.task]!.checked)
      .flatMap((block) => {
        const task = model.tasks[block.task!]!;
        if (!block.result) return [{ line: block.line, column: block.column, message: `task "${task.text}" is ticked but its block never recorded a result` }];
        if (block.result.outcome !== 'passed') {
          return [{ line: block.result.line, column: 1, message: `task "${task.text}" is ticked but its block ${block.result.outcome}${block.result.exitCode !== null ? ` (exit ${block.result.exitCode})` : ''}` }];
        }
        return [];
      })
      .concat(contradicted)
      .sort((x, y) => x.line - y.line);
  },
};
