import type { Document } from '../document/document.js';
import { cellAnchor, taskAnchor, type Anchor } from '../document/anchors.js';
import { UserError } from '../errors.js';

/** What `--line N [--column C]` points at. */
export type Target = { kind: 'task'; anchor: Anchor & { kind: 'task' } } | { kind: 'cell'; anchor: Anchor & { kind: 'cell' }; checkbox: boolean };

/**
 * Finds the task or table cell a user names by line (and column, by header name or 1-based
 * index). Without a column, a row with exactly one checkbox cell means that cell.
 */
export function findTarget(doc: Document, line: number, column: string | undefined, want: 'checkbox' | 'any'): Target {
  const model = doc.model;
  const task = model.tasks.find((t) => t.line === line);
  if (task && column === undefined) return { kind: 'task', anchor: taskAnchor(model, task.index) as Anchor & { kind: 'task' } };
  for (const table of model.tables) {
    const rowIndex = table.rows.findIndex((r) => r.line === line);
    if (rowIndex === -1) {
      if (table.headerRow.line === line) throw new UserError(`${doc.path}:${line} is a table's header row; name a body row`);
      continue;
    }
    const row = table.rows[rowIndex]!;
    let col: number;
    if (column === undefined) {
      const boxes = row.cells.map((c, i) => (c.kind === 'checkbox' ? i : -1)).filter((i) => i >= 0);
      if (want !== 'checkbox' || boxes.length !== 1) {
        throw new UserError(`${doc.path}:${line}: say which cell with --column (one of: ${table.header.join(', ')})`);
      }
      col = boxes[0]!;
    } else {
      col = columnIndex(table.header, column, `${doc.path}:${line}`);
    }
    const cell = row.cells[col]!;
    return { kind: 'cell', anchor: cellAnchor(model, table.index, rowIndex, col) as Anchor & { kind: 'cell' }, checkbox: cell.kind === 'checkbox' };
  }
  throw new UserError(`${doc.path}:${line} holds no task and no table row; \`runbook list ${doc.path}\` shows their lines`);
}

/** A column by header name (case-insensitive, formatting ignored) or by 1-based index. */
export function columnIndex(header: string[], column: string, where: string): number {
  const plain = (s: string) => s.replace(/[`*_]/g, '').trim().toLowerCase();
  const byName = header.findIndex((h) => plain(h) === plain(column));
  if (byName !== -1) return byName;
  if (/^\d+$/.test(column)) {
    const index = Number(column) - 1;
    if (index >= 0 && index < header.length) return index;
  }
  throw new UserError(`${where}: no column "${column}" (columns: ${header.join(', ')})`);
}
