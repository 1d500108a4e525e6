import type { Rule } from '../types.js';

/** A ticked task whose block has no result line, or whose block's result did not pass. */
export const blockResult: Rule = {
  id: 'block-result',
  severity: 'error',
  description: 'A ticked task owns a block that has no result, or whose result is not a pass.',
  check({ model }) {
    return model.blocks
      .filter((block) => block.runnable && block.task !== null && model.tasks[block.task]!.checked)
      .flatMap((block) => {
        const task = model.tasks[block.task!]!;
        if (!block.result) return [{ line: block.line, column: block.column, message: `task "${task.text}" is ticked but its block never recorded a result` }];
        if (block.result.outcome !== 'passed') {
          return [{ line: block.result.line, column: 1, message: `task "${task.text}" is ticked but its block ${block.result.outcome}${block.result.exitCode !== null ? ` (exit ${block.result.exitCode})` : ''}` }];
        }
        return [];
      });
  },
};
