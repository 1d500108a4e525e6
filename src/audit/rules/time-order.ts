import { parseCellTime } from '../time.js';
import type { Hit, Rule } from '../types.js';
import { cellColumn, isTimeColumn } from './place.js';

/** Allowed clock skew before a time counts as in the future. */
const SKEW_MS = 5 * 60_000;

/** Times that do not parse, run backwards down a table, or lie in the future. */
export const timeOrder: Rule = {
  id: 'time-order',
  severity: 'error',
  description: 'A time cell does not parse, runs backwards down its column, or lies in the future.',
  check({ model, text, now }) {
    const hits: Hit[] = [];
    for (const table of model.tables) {
      table.header.forEach((name, i) => {
        if (!isTimeColumn(name)) return;
        let previous: { value: number; kind: string; row: string } | null = null;
        for (const row of table.rows) {
          const cell = row.cells[i]!;
          if (cell.kind !== 'text') continue;
          const place = { line: row.line, column: cellColumn(text, cell.span.start) };
          const time = parseCellTime(cell.text);
          if (!time) {
            hits.push({ ...place, message: `"${name}" of row "${row.cells[0]!.text}" is not a time: "${cell.text}" (write 2026-11-23T19:20:01Z or 19:20)` });
            continue;
          }
          const value = time.kind === 'instant' ? time.ms : time.seconds * 1000;
          if (time.kind === 'instant' && value > now.getTime() + SKEW_MS) {
            hits.push({ ...place, message: `"${name}" of row "${row.cells[0]!.text}" is in the future: ${cell.text}` });
          }
          if (previous && previous.kind === time.kind && value < previous.value) {
            hits.push({ ...place, message: `"${name}" of row "${row.cells[0]!.text}" (${cell.text}) is earlier than the row above ("${previous.row}")` });
          }
          previous = { value, kind: time.kind, row: row.cells[0]!.text };
        }
      });
    }
    return hits;
  },
};
