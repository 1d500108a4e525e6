import { knobColumns, rowName } from '../../parser/index.js';
import type { Hit, Rule } from '../types.js';
import { cellColumn, isHint } from './place.js';

/**
 * A cell left empty or holding a placeholder (`TBD`, `TODO`, `?`, `…`, configured words) or a
 * template hint (see `isHint`), in a table meant to be filled: any column but a knob table's name,
 * default and description. `N/A`, `—` and struck-through text are answers.
 */
export const unfilledCell: Rule = {
  id: 'unfilled-cell',
  severity: 'error',
  description: 'A table cell is empty, a placeholder, or a template hint.',
  check({ model, text, placeholders }) {
    const words = new Set(placeholders.map((p) => p.toUpperCase()));
    const hits: Hit[] = [];
    for (const table of model.tables) {
      // A knob table's name, default and description say what a setting is, not what was done:
      // an empty default is "none". Any other column of it (`Value used`) is the operator's.
      const knob = knobColumns(table);
      const reference = new Set(knob ? [knob.name, knob.default, knob.description] : []);
      for (const row of table.rows) {
        row.cells.forEach((cell, i) => {
          // Answers first (cheapest): `N/A` and a checkbox are never unfilled.
          if (cell.kind === 'na' || cell.kind === 'checkbox' || reference.has(i)) return;
          if (!(cell.kind === 'fillable' || words.has(cell.text.toUpperCase()) || isHint(cell.text))) return;
          const what = cell.text ? `holds "${cell.text}"` : 'is empty';
          hits.push({ line: row.line, column: cellColumn(text, cell.span.start), message: `"${table.header[i]}" of row "${rowName(table, row)}" ${what}` });
        });
      }
    }
    return hits;
  },
};
