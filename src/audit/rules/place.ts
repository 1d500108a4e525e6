import { DURATION_COLUMN, TIME_COLUMN } from '../../parser/index.js';
import { knobColumns, type Table } from '../../parser/index.js';

/** The 1-based column of an offset on its line. */
export function cellColumn(text: string, offset: number): number {
  return offset - text.lastIndexOf('\n', offset - 1);
}

/** A table that declares variables (a knob table, as the parser reads it) is not a form to fill. */
export function isKnobTable(table: Table): boolean {
  return knobColumns(table) !== null;
}

/** Columns the engine fills with times and durations. */
export const isTimeColumn = (header: string) => TIME_COLUMN.test(header.replace(/[`*_]/g, '').trim());
export const isDurationColumn = (header: string) => DURATION_COLUMN.test(header.replace(/[`*_]/g, '').trim());
