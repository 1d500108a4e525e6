import { readFileSync, writeFileSync } from 'node:fs';
import { blockAnchor, cellAnchor, taskAnchor, type Anchor } from '../../src/document/anchors.js';
import { Document, type Change } from '../../src/document/document.js';
import { applyEdits } from '../../src/document/edits.js';
import { resetEdits } from '../../src/document/ops.js';
import { writeAtomic } from '../../src/document/write.js';
import { columnIndex } from '../../src/commands/target.js';

/** One step of an edit fixture's ops.json. */
export type Op =
  | { op: 'tick'; line: number; column?: string; undo?: boolean; fail?: boolean }
  | { op: 'fill'; line: number; column: string; value: string }
  | { op: 'result'; block: number | string; text: string }
  | { op: 'reset'; cells?: boolean };

/**
 * Applies fixture ops to the file at `path`, through the same Document API the commands use.
 * Lines in ops refer to the input; every target is anchored first, then the changes are applied
 * one by one on the same open document, as a session does.
 */
export function applyOps(path: string, ops: Op[]): void {
  const doc = Document.open(path);
  const model = doc.model;
  const changes: Array<Change | 'reset' | 'reset-cells'> = ops.map((op) => {
    if (op.op === 'reset') return op.cells ? 'reset-cells' : 'reset';
    if (op.op === 'result') {
      const block = typeof op.block === 'number' ? model.blocks[op.block]! : model.blocks.find((b) => b.name === op.block)!;
      return { kind: 'result', anchor: blockAnchor(model, block.index) as Anchor & { kind: 'block' }, line: op.text };
    }
    const task = model.tasks.find((t) => t.line === op.line);
    if (op.op === 'tick' && task && !op.column) {
      return { kind: 'task', anchor: taskAnchor(model, task.index) as Anchor & { kind: 'task' }, checked: !op.undo };
    }
    const table = model.tables.find((t) => t.rows.some((r) => r.line === op.line));
    if (!table) throw new Error(`fixture op names line ${op.line}, which holds no task or row`);
    const row = table.rows.findIndex((r) => r.line === op.line);
    const column = columnIndex(table.header, op.column!, 'fixture');
    const anchor = cellAnchor(model, table.index, row, column) as Anchor & { kind: 'cell' };
    if (op.op === 'fill') return { kind: 'fill', anchor, value: op.value };
    return { kind: 'checkbox', anchor, state: op.fail ? 'failed' : op.undo ? 'unchecked' : 'checked' };
  });
  for (const change of changes) {
    if (typeof change === 'string') {
      const edits = resetEdits(doc.source.text, doc.model, { cells: change === 'reset-cells' });
      writeAtomic(path, applyEdits(doc.source.text, edits), doc.source.mode);
    } else {
      doc.apply([change]);
    }
  }
}

/** Copies a fixture's input to `path` and applies its ops. */
export function runEditFixture(dir: string, path: string): void {
  writeFileSync(path, readFileSync(`${dir}/input.md`));
  applyOps(path, JSON.parse(readFileSync(`${dir}/ops.json`, 'utf8')) as Op[]);
}
