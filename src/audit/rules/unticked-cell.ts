import { rowName } from '../../parser/index.js';
import type { Hit, Rule } from '../types.js';
import { cellColumn } from './place.js';

/** A checkbox cell left unticked (`[ ]`, `☐`, `⬜`). `❌` is an answer: "no". */
export const untickedCell: Rule = {
  id: 'unticked-cell',
  severity: 'error',
  description: 'A checkbox cell in a table is not ticked.',
  check({ model, text }) {
    const hits: Hit[] = [];
    for (const table of model.tables) {
      for (const row of table.rows) {
        row.cells.forEach((cell, i) => {
          if (cell.checkbox === 'unchecked') hits.push({ line: row.line, column: cellColumn(text, cell.span.start), message: `"${table.header[i]}" of row "${rowName(table, row)}" is not ticked` });
        });
      }
    }
    return hits;
  },
};
