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

/**
 * How many of `items[0, end)` match. Anchors are made and found for every result line a session
 * writes: counting in place, rather than slicing and filtering, makes no garbage the size of the
 * document's blocks per write.
 */
function countBefore<T>(items: readonly T[], end: number, matches: (item: T) => boolean): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (matches(items[i]!)) count++;
  return count;
}

/** The index of the `nth` (0-based) item of `items` that matches, or -1. */
function nthIndex<T>(items: readonly T[], nth: number, matches: (item: T) => boolean): number {
  let seen = 0;
  for (let i = 0; i < items.length; i++) if (matches(items[i]!) && seen++ === nth) return i;
  return -1;
}

/** The anchor of task `index`. */
export function taskAnchor(model: Runbook, index: number): Anchor {
  const task = model.tasks[index]!;
  const section = sectionKey(model, task.section);
  const nth = countBefore(model.tasks, index, (t) => sectionKey(model, t.section) === section && t.text === task.text);
  return { kind: 'task', section, text: task.text, nth };
}

/** The anchor of a cell of table `table`, row `row` (0-based body row), column `column`. */
export function cellAnchor(model: Runbook, table: number, row: number, column: number): Anchor {
  const t = model.tables[table]!;
  const section = sectionKey(model, t.section);
  const header = t.header.join('|');
  const tableNth = countBefore(model.tables, table, (o) => sectionKey(model, o.section) === section && o.header.join('|') === header);
  const first = t.rows[row]!.cells[0]!.text;
  const rowNth = countBefore(t.rows, row, (r) => r.cells[0]!.text === first);
  return { kind: 'cell', section, header, tableNth, row: first, rowNth, column: t.header[column]!, columnIndex: column };
}

/** The anchor of block `index`. */
export function blockAnchor(model: Runbook, index: number): Anchor {
  const block = model.blocks[index]!;
  const section = sectionKey(model, block.section);
  const nth = block.name
    ? countBefore(model.blocks, index, (b) => b.name === block.name)
    : countBefore(model.blocks, index, (b) => !b.name && sectionKey(model, b.section) === section);
  return { kind: 'block', name: block.name, section, nth, body: block.body };
}

/** Finds an anchor in a (possibly re-parsed) model. */
export function resolve(model: Runbook, anchor: Anchor): Found {
  if (anchor.kind === 'task') {
    const at = nthIndex(model.tasks, anchor.nth, (t) => sectionKey(model, t.section) === anchor.section && t.text === anchor.text);
    if (at !== -1) return { index: model.tasks[at]!.index };
    // Its heading retitled, or a section of the same name added above: still the one task with its text.
    const only = onlyOne(model.tasks, (t) => t.text === anchor.text);
    return only === null ? { problem: 'missing' } : { index: only.index };
  }
  if (anchor.kind === 'cell') {
    const at = nthIndex(model.tables, anchor.tableNth, (t) => sectionKey(model, t.section) === anchor.section && t.header.join('|') === anchor.header);
    if (at === -1) return { problem: 'missing' };
    const table = model.tables[at]!;
    const row = nthIndex(table.rows, anchor.rowNth, (r) => r.cells[0]!.text === anchor.row);
    if (row === -1) return { problem: 'missing' };
    const columns = table.header.map((h, i) => ({ h, i })).filter(({ h }) => h === anchor.column);
    // Headers that repeat (a `| | |` key/value table) are told apart by the column's place.
    const column = columns.length === 1 ? columns[0] : columns.find(({ i }) => i === anchor.columnIndex);
    if (!column) return { problem: columns.length ? 'ambiguous' : 'missing' };
    return { index: table.index, row, column: column.i };
  }
  const at = anchor.name
    ? nthIndex(model.blocks, anchor.nth, (b) => b.name === anchor.name)
    : nthIndex(model.blocks, anchor.nth, (b) => !b.name && sectionKey(model, b.section) === anchor.section);
  const block = at === -1 ? null : model.blocks[at]!;
  // An unnamed block found by position must still be the same code; where it is not (a fence
  // pasted above it, its heading retitled), the one unnamed block with its code is.
  if (anchor.name) return block ? { index: block.index } : { problem: 'missing' };
  if (block && block.body === anchor.body) return { index: block.index };
  const only = onlyOne(model.blocks, (b) => !b.name && b.body === anchor.body);
  if (only) return { index: only.index };
  return { problem: block ? 'ambiguous' : 'missing' };
}

/** The one item that `test` picks, or null when none or several do. */
function onlyOne<T>(items: readonly T[], test: (item: T) => boolean): T | null {
  let found: T | null = null;
  for (const item of items) {
    if (!test(item)) continue;
    if (found !== null) return null;
    found = item;
  }
  return found;
}

/** A short description of what an anchor points at, for messages. */
export function describeAnchor(anchor: Anchor): string {
  if (anchor.kind === 'task') return `task "${anchor.text}"`;
  if (anchor.kind === 'cell') return `cell "${anchor.column}" of row "${anchor.row}"`;
  return anchor.name ? `block "${anchor.name}"` : `block ${anchor.nth + 1} of section "${anchor.section ?? '(top)'}"`;
}
