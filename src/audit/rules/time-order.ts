import { rowName } from '../../parser/index.js';
import { headerZone, parseCellTime, runsBackwards, type CellTime } from '../../parser/index.js';
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
    for (const table of model.tables) {
      const columns = table.header.flatMap((name, i) => (isTimeColumn(name) ? [i] : []));
      if (!columns.length) continue;
      const above = new Map<number, { time: CellTime; row: string }>();
      for (const row of table.rows) {
        const id = rowName(table, row);
        let left: { time: CellTime; column: string } | null = null;
        for (const i of columns) {
          const name = table.header[i]!;
          const cell = row.cells[i]!;
          // An empty cell or a template's hint is unfilled-cell's to report; in a plan's `When`
          // column, words with no number (`Day before`, `Morning of`) are the plan's, not a time
          // anyone wrote down.
          if (cell.kind !== 'text' || isHint(cell.text) || (PLAN_COLUMN.test(name.replace(/[*_`]/g, '').trim()) && !/\d/.test(cell.text))) continue;
          const place = { line: row.line, column: cellColumn(text, cell.span.start) };
          // A time with no zone of its own is in the zone its header names (`Time (CET)`).
          const time = parseCellTime(cell.text, headerZone(name) ?? 0);
          if (!time) {
            hits.push({ ...place, message: `"${name}" of row "${id}" is not a time: "${cell.text}" (write 2026-11-23T19:20:01Z, 19:20 or T+5m)` });
            continue;
          }
          if (time.kind === 'instant' && time.ms > now.getTime() + SKEW_MS) {
            hits.push({ ...place, message: `"${name}" of row "${id}" is in the future: ${cell.text}` });
          }
          const previous = above.get(i);
          if (previous && runsBackwards(previous.time, time)) {
            hits.push({ ...place, message: `"${name}" of row "${id}" (${cell.text}) is earlier than the row above ("${previous.row}")` });
          } else if (left && runsBackwards(left.time, time)) {
            hits.push({ ...place, message: `"${name}" of row "${id}" (${cell.text}) is earlier than its "${left.column}"` });
          }
          above.set(i, { time, row: id });
          left = { time, column: name };
        }
      }
    }
    return hits;
  },
};
