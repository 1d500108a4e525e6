import { TIME_COLUMN } from './scenarios.js';
import type { Row, Table } from './types.js';

/** A header as written, without emphasis or code marks. */
const bare = (header: string) => header.replace(/[`*_]/g, '').trim();

/**
 * How messages name a table row: its first cell that is not in a time column and not empty, so
 * a timeline (`| Time | Event |`) row is named by its event, not by its time or by nothing; the
 * first cell when every cell is a time or empty.
 */
export function rowName(table: Table, row: Row): string {
  const named = row.cells.find((cell, i) => cell.text !== '' && !TIME_COLUMN.test(bare(table.header[i] ?? '')));
  return (named ?? row.cells.find((cell) => cell.text !== '') ?? row.cells[0]!).text;
}
