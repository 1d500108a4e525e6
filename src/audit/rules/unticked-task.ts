import { startsStruck } from '../../parser/index.js';
import type { Rule } from '../types.js';

/** A task left unticked. A struck-through task (`- [ ] ~~…~~`, `- [ ] ~…~`) counts as answered. */
export const untickedTask: Rule = {
  id: 'unticked-task',
  severity: 'error',
  description: 'A task item is not ticked.',
  check({ model, text }) {
    return model.tasks
      .filter((task) => !task.checked && !startsStruck(text.slice(task.checkboxSpan.end, task.span.end).trimStart()))
      .map((task) => ({ line: task.line, column: task.checkboxSpan.start - text.lastIndexOf('\n', task.checkboxSpan.start - 1), message: `task "${task.text}" is not ticked` }));
  },
};
