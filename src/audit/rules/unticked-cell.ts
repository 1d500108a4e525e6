import { rowName } from '../../parser/index.js';
import type { Rule } from '../types.js';
import { cellColumn } from './place.js';

/** A checkbox cell left unticked (`[ ]`, `☐`, `⬜`). `❌` is an answer: "no". */
export const untickedCell: Rule = {
  id: 'unticked-cell',
  severity: 'error',
  description: 'A checkbox cell in a table is not ticked.',
  check({ model, text }) {
    return model.tables.flatMap((table) =>
      table.rows.flatMap((row) =>
        row.cells.flatMap((cell, i) =>
          cell.checkbox === 'unchecked'
            ? [{ line: row.line, column: cellColumn(text, cell.span.start), message: `"${table.header[i]}" of row "${rowName(table, row)}" is not ticked` }]
            : [],
        ),
      ),
    );
  },
};
