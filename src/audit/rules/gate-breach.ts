import { gateColumns, headerUnit, meetsGate, parseDurationText, parseGate, rowName } from '../../parser/index.js';
import type { Hit, Rule } from '../types.js';
import { cellColumn } from './place.js';

/**
 * A row whose gate column states a gate (`< 60 s`, `≤ 30 s`, `under 2 min`) and whose measured
 * column holds a duration that does not meet it — whether `runbook` measured it or a person did.
 */
export const gateBreach: Rule = {
  id: 'gate-breach',
  severity: 'error',
  description: 'A measured duration does not meet the gate in its row.',
  check({ model, text }) {
    const hits: Hit[] = [];
    for (const table of model.tables) {
      const { gate: target, measured } = gateColumns(table, model.frontMatter);
      if (target === -1 || measured === -1) continue;
      // A bare number is in the unit the header names (`Duration (ms)`), else in seconds.
      const unit = headerUnit(table.header[measured]!);
      for (const row of table.rows) {
        const gate = parseGate(row.cells[target]!.text);
        const cell = row.cells[measured]!;
        if (!gate || cell.kind !== 'text') continue;
        const seconds = parseDurationText(cell.text, unit);
        if (seconds === null || meetsGate(gate, seconds)) continue;
        hits.push({ line: row.line, column: cellColumn(text, cell.span.start), message: `row "${rowName(table, row)}" measured ${cell.text}, which breaks its gate "${gate.text}"` });
      }
    }
    return hits;
  },
};
