import { headerZone, parseCellTime, rowName, runsBackwards, type CellTime, type Table } from '../../parser/index.js';
import type { Hit, Rule } from '../types.js';
import { cellColumn, isHint, isTimeColumn } from './place.js';

/** Allowed clock skew before a time counts as in the future. */
const SKEW_MS = 5 * 60_000;

/**
 * Times that do not parse, run backwards (down a column, or left to right along a row: a row's
 * time columns read as the order things happened, `Started` before `Ended`), or lie in the future.
 */
/** The column a plan says when each step happens in. */
const PLAN_COLUMN = /^when\b/i;

export const timeOrder: Rule = {
  id: 'time-order',
  severity: 'error',
  description: 'A time cell does not parse, runs backwards down its column or along its row, or lies in the future.',
  check({ model, text, now }) {
    const hits: Hit[] = [];
    const future = now.getTime() + SKEW_MS;
    // Where a cell is and what its row is called are worked out only for a finding.
    const hit = (table: Table, row: Table['rows'][number], at: number, message: (id: string) => string) => hits.push({ line: row.line, column: cellColumn(text, at), message: message(rowName(table, row)) });
    for (const table of model.tables) {
      // Each time column is read once per table: its name, the zone its header names (a time with
      // no zone of its own is in it: `Time (CET)`), and whether it is a plan's `When`, where words
      // with no number (`Day before`, `Morning of`) are the plan's, not a time anyone wrote down.
      const columns = table.header.flatMap((name, i) => (isTimeColumn(name) ? [{ i, name, zone: headerZone(name) ?? 0, plan: PLAN_COLUMN.test(name.replace(/[*_`]/g, '').trim()) }] : []));
      if (!columns.length) continue;
      const above = new Map<number, { time: CellTime; row: Table['rows'][number] }>();
      for (const row of table.rows) {
        let left: { time: CellTime; column: string } | null = null;
        for (const { i, name, zone, plan } of columns) {
          const cell = row.cells[i]!;
          // An empty cell or a template's hint is unfilled-cell's to report.
          if (cell.kind !== 'text' || isHint(cell.text) || (plan && !/\d/.test(cell.text))) continue;
          const time = parseCellTime(cell.text, zone);
          if (!time) {
            hit(table, row, cell.span.start, (id) => `"${name}" of row "${id}" is not a time: "${cell.text}" (write 2026-11-23T19:20:01Z, 19:20 or T+5m)`);
            continue;
          }
          if (time.kind === 'instant' && time.ms > future) hit(table, row, cell.span.start, (id) => `"${name}" of row "${id}" is in the future: ${cell.text}`);
          const previous = above.get(i);
          if (previous && runsBackwards(previous.time, time)) {
            hit(table, row, cell.span.start, (id) => `"${name}" of row "${id}" (${cell.text}) is earlier than the row above ("${rowName(table, previous.row)}")`);
          } else if (left && runsBackwards(left.time, time)) {
            hit(table, row, cell.span.start, (id) => `"${name}" of row "${id}" (${cell.text}) is earlier than its "${left!.column}"`);
          }
          above.set(i, { time, row });
          left = { time, column: name };
        }
      }
    }
    return hits;
  },
};
