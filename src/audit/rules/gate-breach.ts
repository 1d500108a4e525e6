import { GATE_COLUMN, meetsGate, parseDurationText, parseGate, scenarioColumns, type Runbook, type Table } from '../../parser/index.js';
import type { Hit, Rule } from '../types.js';
import { cellColumn } from './place.js';

const MEASURED = /measured|actual|observed|rto|took|duration|elapsed|recovery time|result/i;

/** The gate and measured columns: a scenario table's own, else the first that read like them. */
function columns(model: Runbook, table: Table): { gate: number; measured: number } {
  const roles = scenarioColumns(table, model.frontMatter);
  if (roles && roles.gate !== -1 && roles.measured !== -1) return { gate: roles.gate, measured: roles.measured };
  const names = table.header.map((h) => h.toLowerCase());
  const gate = names.findIndex((h) => GATE_COLUMN.test(h));
  return { gate, measured: names.findIndex((h, i) => i !== gate && MEASURED.test(h) && !GATE_COLUMN.test(h)) };
}

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
      const { gate: target, measured } = columns(model, table);
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
