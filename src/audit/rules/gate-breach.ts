import { meetsGate, parseDurationText, parseGate } from '../time.js';
import type { Hit, Rule } from '../types.js';
import { cellColumn } from './place.js';

const TARGET = /target|gate|acceptance|slo|threshold|goal|bar|expected/i;
const MEASURED = /measured|actual|observed|rto|took|duration|elapsed|recovery time|result/i;

/**
 * A row whose target column states a gate (`< 60 s`, `≤ 30 s`, `under 2 min`) and whose measured
 * column holds a duration that does not meet it.
 */
export const gateBreach: Rule = {
  id: 'gate-breach',
  severity: 'error',
  description: 'A measured duration does not meet the gate in its row.',
  check({ model, text }) {
    const hits: Hit[] = [];
    for (const table of model.tables) {
      const target = table.header.findIndex((h) => TARGET.test(h));
      const measured = table.header.findIndex((h, i) => i !== target && MEASURED.test(h) && !TARGET.test(h));
      if (target === -1 || measured === -1) continue;
      for (const row of table.rows) {
        const gate = parseGate(row.cells[target]!.text);
        const cell = row.cells[measured]!;
        if (!gate || cell.kind !== 'text') continue;
        const seconds = parseDurationText(cell.text);
        if (seconds === null || meetsGate(gate, seconds)) continue;
        hits.push({ line: row.line, column: cellColumn(text, cell.span.start), message: `row "${row.cells[0]!.text}" measured ${cell.text}, which breaks its gate "${gate.text}"` });
      }
    }
    return hits;
  },
};
