import { rowName } from '../../parser/index.js';
import type { Rule } from '../types.js';
import { cellColumn, isHint, isKnobTable } from './place.js';

/**
 * A cell left empty or holding a placeholder (`TBD`, `TODO`, `?`, `…`, configured words) or a
 * template hint (see `isHint`), in a table meant to be filled (any table but a knob table). `N/A`,
 * `—` and struck-through text are answers.
 */
export const unfilledCell: Rule = {
  id: 'unfilled-cell',
  severity: 'error',
  description: 'A table cell is empty, a placeholder, or a template hint.',
  check({ model, text, placeholders }) {
    const words = new Set(placeholders.map((p) => p.toUpperCase()));
    return model.tables
      .filter((table) => !isKnobTable(table))
      .flatMap((table) =>
        table.rows.flatMap((row) =>
          row.cells.flatMap((cell, i) => {
            const unfilled = cell.kind === 'fillable' || words.has(cell.text.toUpperCase()) || isHint(cell.text);
            if (!unfilled || cell.kind === 'na' || cell.kind === 'checkbox') return [];
            const what = cell.text ? `holds "${cell.text}"` : 'is empty';
            return [{ line: row.line, column: cellColumn(text, cell.span.start), message: `"${table.header[i]}" of row "${rowName(table, row)}" ${what}` }];
          }),
        ),
      );
  },
};
