import type { BlockResult } from '../../parser/index.js';
import type { Rule } from '../types.js';

/**
 * A ticked task whose block has no result line, or whose block's result did not pass; a block no
 * task owns whose result line records a failure (failed, timed out, canceled: a skip is an
 * answer); and a result line that contradicts itself (a pass with a non-zero exit code is never
 * written: it was edited by hand).
 */
export const blockResult: Rule = {
  id: 'block-result',
  severity: 'error',
  description: 'A ticked task owns a block that has no result, or whose result is not a pass; a block without a task recorded a failure; a result line says it passed with a non-zero exit code.',
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
          return [{ line: block.result.line, column: 1, message: `task "${task.text}" is ticked but its block ${outcome(block.result)}` }];
        }
        return [];
      })
      .concat(
        model.blocks
          .filter((block) => block.runnable && block.task === null && block.result !== null && block.result.outcome !== 'passed' && block.result.outcome !== 'skipped')
          .map((block) => ({ line: block.result!.line, column: 1, message: `${block.name === null ? `the block at line ${block.line}` : `block "${block.name}"`} ${outcome(block.result!)}` })),
      )
      .concat(contradicted)
      .sort((x, y) => x.line - y.line);
  },
};

/** How a block ended, in words: `failed (exit 3)`, `timed out`. */
function outcome(result: BlockResult): string {
  return `${result.outcome}${result.exitCode !== null ? ` (exit ${result.exitCode})` : ''}`;
}
