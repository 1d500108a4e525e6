import { DURATION_COLUMN, TIME_COLUMN } from '../../document/ops.js';
import type { Table } from '../../parser/index.js';

/** The 1-based column of an offset on its line. */
export function cellColumn(text: string, offset: number): number {
  return offset - text.lastIndexOf('\n', offset - 1);
}

const KNOB = /^(?:knob|variable|var|env|env var|environment variable|parameter|setting)s?$/i;

/** A table that declares variables (a knob table) is documentation, not a form to fill. */
export function isKnobTable(table: Table): boolean {
  const plain = table.header.map((h) => h.replace(/[`*_]/g, '').trim());
  return plain.some((h) => KNOB.test(h)) && plain.some((h) => /^default/i.test(h));
}

/** Columns the engine fills with times and durations. */
export const isTimeColumn = (header: string) => TIME_COLUMN.test(header.replace(/[`*_]/g, '').trim());
export const isDurationColumn = (header: string) => DURATION_COLUMN.test(header.replace(/[`*_]/g, '').trim());
