import type { Runbook } from '../parser/index.js';

/**
 * Identities that survive someone else's edit: a task by its section and text, a table cell by
 * its table (section and header), its row's first cell and its column's header, a block by its
 * name (or its place among the blocks of its section). Line numbers do not survive an edit.
 */
export type Anchor =
  | { kind: 'task'; section: string | null; text: string; nth: number }
  | { kind: 'cell'; section: string | null; header: string; tableNth: number; row: string; rowNth: number; column: string; columnIndex: number }
  | { kind: 'block'; name: string | null; section: string | null; nth: number; body: string };

/** A place found again, or why not. */
export type Found = { index: number; row?: number; column?: number } | { problem: 'missing' | 'ambiguous' };

const sectionKey = (model: Runbook, index: number | null) => (index === null ? null : model.sections[index]!.anchor);

/** The anchor of task `index`. */
export function taskAnchor(model: Runbook, index: number): Anchor {
  const task = model.tasks[index]!;
  const section = sectionKey(model, task.section);
  const nth = model.tasks.slice(0, index).filter((t) => sectionKey(model, t.section) === section && t.text === task.text).length;
  return { kind: 'task', section, text: task.text, nth };
}

/** The anchor of a cell of table `table`, row `row` (0-based body row), column `column`. */
export function cellAnchor(model: Runbook, table: number, row: number, column: number): Anchor {
  const t = model.tables[table]!;
  const section = sectionKey(model, t.section);
  const header = t.header.join('|');
  const tableNth = model.tables.slice(0, table).filter((o) => sectionKey(model, o.section) === section && o.header.join('|') === header).length;
  const first = t.rows[row]!.cells[0]!.text;
  const rowNth = t.rows.slice(0, row).filter((r) => r.cells[0]!.text === first).length;
  return { kind: 'cell', section, header, tableNth, row: first, rowNth, column: t.header[column]!, columnIndex: column };
}

/** The anchor of block `index`. */
export function blockAnchor(model: Runbook, index: number): Anchor {
  const block = model.blocks[index]!;
  const section = sectionKey(model, block.section);
  const nth = block.name
    ? model.blocks.slice(0, index).filter((b) => b.name === block.name).length
    : model.blocks.slice(0, index).filter((b) => !b.name && sectionKey(model, b.section) === section).length;
  return { kind: 'block', name: block.name, section, nth, body: block.body };
}

/** Finds an anchor in a (possibly re-parsed) model. */
export function resolve(model: Runbook, anchor: Anchor): Found {
  if (anchor.kind === 'task') {
    const matches = model.tasks.filter((t) => sectionKey(model, t.section) === anchor.section && t.text === anchor.text);
    const task = matches[anchor.nth];
    if (!task) return { problem: 'missing' };
    return { index: task.index };
  }
  if (anchor.kind === 'cell') {
    const tables = model.tables.filter((t) => sectionKey(model, t.section) === anchor.section && t.header.join('|') === anchor.header);
    const table = tables[anchor.tableNth];
    if (!table) return { problem: 'missing' };
    const rows = table.rows.map((r, i) => ({ r, i })).filter(({ r }) => r.cells[0]!.text === anchor.row);
    const row = rows[anchor.rowNth];
    if (!row) return { problem: 'missing' };
    const columns = table.header.map((h, i) => ({ h, i })).filter(({ h }) => h === anchor.column);
    // Headers that repeat (a `| | |` key/value table) are told apart by the column's place.
    const column = columns.length === 1 ? columns[0] : columns.find(({ i }) => i === anchor.columnIndex);
    if (!column) return { problem: columns.length ? 'ambiguous' : 'missing' };
    return { index: table.index, row: row.i, column: column.i };
  }
  const candidates = anchor.name
    ? model.blocks.filter((b) => b.name === anchor.name)
    : model.blocks.filter((b) => !b.name && sectionKey(model, b.section) === anchor.section);
  const block = candidates[anchor.nth];
  if (!block) return { problem: 'missing' };
  // An unnamed block found by position must still be the same code.
  if (!anchor.name && block.body !== anchor.body) return { problem: 'ambiguous' };
  return { index: block.index };
}

/** A short description of what an anchor points at, for messages. */
export function describeAnchor(anchor: Anchor): string {
  if (anchor.kind === 'task') return `task "${anchor.text}"`;
  if (anchor.kind === 'cell') return `cell "${anchor.column}" of row "${anchor.row}"`;
  return anchor.name ? `block "${anchor.name}"` : `block ${anchor.nth + 1} of section "${anchor.section ?? '(top)'}"`;
}
