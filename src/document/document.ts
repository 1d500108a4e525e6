import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { monotonicMs } from '../clock.js';
import { checkboxOf, NESTING_RULE, parseRunbook, updateRunbook, type CheckboxState, type Runbook } from '../parser/index.js';
import { describeAnchor, resolve, type Anchor } from './anchors.js';
import { applyEdits, applyEditsToBytes, spliceBytes, type Edit } from './edits.js';
import { acquireLock } from './lock.js';
import { cellText, columnFamily, fillCellEdits, fillMissingCellsEdits, resultLineEdits, setCheckboxEdits, tickTaskEdits } from './ops.js';
import { changedSource, decodeSource, readSource, type Source } from './source.js';
import { stampOf } from './stamp.js';
import { sweepTemporaries, writeAtomic, writeInPlace } from './write.js';

/** A change to make, anchored by identity so it can be found again after someone else's edit. */
export type Change =
  | { kind: 'task'; anchor: Anchor & { kind: 'task' }; checked: boolean }
  | { kind: 'checkbox'; anchor: Anchor & { kind: 'cell' }; state: CheckboxState }
  | { kind: 'fill'; anchor: Anchor & { kind: 'cell' }; value: string }
  | { kind: 'result'; anchor: Anchor & { kind: 'block' }; line: string };

/** What one change did, for the one line each command prints. */
export interface ChangeReport {
  line: number;
  what: string;
  before: string;
  after: string;
  changed: boolean;
}

/**
 * An open document: its text and model as last read or written, and the only way to change it.
 * Every change is planned as edits on the current model, checked against the file on disk,
 * re-anchored if someone else changed the file meanwhile, and written atomically.
 */
export class Document {
  private release: (() => void) | null = null;
  /** How long the last `apply` spent updating the model and writing the file, in ms. */
  lastTimings = { updateMs: 0, writeMs: 0 };

  private constructor(
    readonly path: string,
    public source: Source,
    public model: Runbook,
  ) {}

  /** Reads and parses `path`; with `lock`, also takes its advisory lock in that command's name. */
  static open(path: string, options: { lock?: string } = {}): Document {
    const source = readSource(path);
    const doc = new Document(path, source, parseRunbook(source.text));
    // A document nested past the parser's limits was not read: nothing in it can be run or edited.
    const refused = doc.model.problems.find((p) => p.ruleId === NESTING_RULE);
    if (refused) throw new UserError(`${path}:${refused.line}:${refused.column}: ${refused.message}`);
    if (options.lock) doc.lock(options.lock);
    return doc;
  }

  /**
   * Takes the file's advisory lock in a command's name (a session takes it once everything is
   * checked, so a refused session leaves none behind).
   */
  lock(command: string): void {
    if (this.release) return;
    this.release = acquireLock(this.path, command);
    // Holding the lock, no other writer of this file is running: leftovers of killed ones go.
    sweepTemporaries(this.path);
  }

  /** Releases the lock, if held. */
  close(): void {
    this.release?.();
    this.release = null;
  }

  /** Applies changes in one write; returns what each did. Nothing is written when nothing changes. */
  apply(changes: Change[]): ChangeReport[] {
    this.refreshIfChanged(changes);
    const text = this.source.text;
    const model = this.model;
    const planned = changes.map((change) => plan(text, model, change, this.path));
    joinMissingCells(text, model, planned);
    const edits = planned.flatMap((p) => p.edits);
    if (edits.length === 0) return planned.map((p) => p.report);
    const next = applyEdits(text, edits);
    const started = monotonicMs();
    // Flipping boxes only (`[ ]`→`[x]`, `⬜`→`✅`: one glyph for another of the same length)
    // changes no offset, line or structure: the model is updated where it stands, not re-parsed.
    if (planned.every((p) => p.flip)) {
      const { bytes, stamp } = this.writeFlips(text, next, edits);
      for (const p of planned) p.flip!();
      this.wrote(next, bytes, stamp);
      this.lastTimings = { updateMs: 0, writeMs: monotonicMs() - started };
      return planned.map((p) => p.report);
    }
    const applied = edits.map((e) => ({ start: e.start, oldEnd: e.end, text: e.text, removed: text.slice(e.start, e.end) }));
    const updated = updateRunbook(model, next, applied);
    const updatedAt = monotonicMs();
    // A tick, a fill or a result line never changes what the document is made of; if it would
    // (a cell value that starts a heading in a row without a leading pipe, say), write nothing.
    const added = planned.filter((p) => p.addsResult).length;
    if (!sameShape(updated, model) || results(updated) !== results(model) + added) {
      // The update moved parts of the old model in place; read the unchanged text afresh.
      this.model = parseRunbook(text);
      throw new UserError(`${this.path}: that change would alter the document's structure (${planned.map((p) => p.report.what).join(', ')}); nothing was written`);
    }
    const bytes = this.encode(text, next, edits);
    writeAtomic(this.path, bytes, this.source.mode);
    this.model = updated;
    this.wrote(next, bytes);
    this.lastTimings = { updateMs: updatedAt - started, writeMs: monotonicMs() - updatedAt };
    return planned.map((p) => p.report);
  }

  /**
   * Writes boxes flipped (edits that keep every length). One box is overwritten where it stands
   * when that is as safe as a new file (see `writeInPlace`), and the bytes held are patched the
   * same way; otherwise the file is replaced. Returns the new bytes, and the file's stamp when
   * it was written in place.
   */
  private writeFlips(text: string, next: string, edits: Edit[]): { bytes: Buffer; stamp?: string } {
    const spliced = spliceBytes(text, this.source.bytes, edits);
    const patch = spliced?.patches.length === 1 ? spliced.patches[0]! : null;
    const stamp = patch && patch.data.length === patch.removed ? writeInPlace(this.path, patch.at, patch.data, this.source.stamp) : null;
    if (patch && stamp !== null) {
      const held = this.source.bytes;
      const bytes = Buffer.from(held.buffer, held.byteOffset, held.byteLength);
      bytes.set(patch.data, patch.at);
      return { bytes, stamp };
    }
    const bytes = spliced?.bytes ?? Buffer.from(next, 'utf8');
    writeAtomic(this.path, bytes, this.source.mode);
    return { bytes };
  }

  /** The bytes of `next`, spliced from the last bytes read or written where that is exact. */
  private encode(text: string, next: string, edits: Edit[]): Buffer {
    return applyEditsToBytes(text, this.source.bytes, edits) ?? Buffer.from(next, 'utf8');
  }

  /** Takes what was just written as the source (its hash is computed only if someone asks). */
  private wrote(text: string, bytes: Buffer, stamp = stampOf(this.path)): void {
    this.source = changedSource(this.source, { text, bytes, stamp });
  }

  /**
   * Before writing: if the file on disk is no longer what was read, take the new text, and make
   * sure every change still finds its target, exactly once. Otherwise stop: a person's edit is
   * never overwritten.
   */
  private refreshIfChanged(changes: Change[]): void {
    let bytes: Buffer;
    let stamp: string;
    try {
      stamp = stampOf(this.path);
      // Same inode, size and change times: nobody wrote the file since we did.
      if (stamp === this.source.stamp) return;
      bytes = readFileSync(this.path);
    } catch {
      throw new UserError(`${this.path} was removed or became unreadable during the session; nothing was written`);
    }
    // The bytes last read or written, compared as bytes: cheaper than hashing megabytes.
    if (Buffer.compare(bytes, this.source.bytes) === 0) {
      this.source = changedSource(this.source, { stamp });
      return;
    }
    const source = decodeSource(this.path, bytes, statSync(this.path).mode, stamp);
    const model = parseRunbook(source.text);
    for (const change of changes) {
      const found = resolve(model, change.anchor);
      if ('problem' in found) {
        const why = found.problem === 'missing' ? 'is no longer there' : 'can no longer be told apart from another';
        throw new UserError(
          `${this.path} changed on disk since it was read, and the ${describeAnchor(change.anchor)} ${why}; nothing was written. Check the file and run again.`,
        );
      }
    }
    this.source = source;
    this.model = model;
  }
}

/** Whether two models are made of the same: counts of tasks, blocks and sections, and each table's size. */
function sameShape(a: Runbook, b: Runbook): boolean {
  if (a.tasks.length !== b.tasks.length || a.blocks.length !== b.blocks.length || a.sections.length !== b.sections.length || a.tables.length !== b.tables.length) return false;
  for (let i = 0; i < a.tables.length; i++) {
    if (a.tables[i]!.header.length !== b.tables[i]!.header.length || a.tables[i]!.rows.length !== b.tables[i]!.rows.length) return false;
  }
  return true;
}

/** How many blocks have a result line. */
function results(model: Runbook): number {
  let count = 0;
  for (const block of model.blocks) if (block.result) count++;
  return count;
}

function where(found: ReturnType<typeof resolve>, change: Change, path: string) {
  if ('problem' in found) {
    throw new UserError(`${path}: the ${describeAnchor(change.anchor)} ${found.problem === 'missing' ? 'was not found' : 'is ambiguous'}`);
  }
  return found;
}

/**
 * Fills of cells missing from the same short row become one insertion at the row's end, carried
 * by the first of them: each alone would pad from the row's last real cell.
 */
function joinMissingCells(text: string, model: Runbook, planned: Planned[]): void {
  const rows = new Map<string, Planned[]>();
  for (const p of planned) {
    if (!p.missing) continue;
    const key = `${p.missing.table}:${p.missing.row}`;
    rows.set(key, [...(rows.get(key) ?? []), p]);
  }
  for (const group of rows.values()) {
    if (group.length < 2) continue;
    const { table, row } = group[0]!.missing!;
    const values = new Map(group.map((p) => [p.missing!.column, p.missing!.value]));
    group.forEach((p, i) => (p.edits = i === 0 ? fillMissingCellsEdits(text, model.tables[table]!.rows[row]!, values) : []));
  }
}

interface Planned {
  edits: Edit[];
  report: ChangeReport;
  addsResult: boolean;
  /** A fill of a cell the row does not have yet. */
  missing?: { table: number; row: number; column: number; value: string };
  /** For a box flipped in place: what the model becomes once the file is written. */
  flip?: () => void;
}

/**
 * Edits that replace text with text of the same length and no line break, outside every heading
 * (a box can be part of a heading's text — a setext heading inside a task item — and so of the
 * section's name and anchor).
 */
function inPlace(text: string, model: Runbook, edits: Edit[]): boolean {
  return edits.every(
    (e) =>
      e.end - e.start === e.text.length &&
      !/[\r\n]/.test(e.text) &&
      !/[\r\n]/.test(text.slice(e.start, e.end)) &&
      !model.sections.some((section) => section.span.start < e.end && e.start < section.span.end),
  );
}

/** Turns one change into edits on the current text and model. */
function plan(text: string, model: Runbook, change: Change, path: string): Planned {
  const found = where(resolve(model, change.anchor), change, path);
  let edits: Edit[];
  let line: number;
  let what: string;
  let before: string;
  let missing: Planned['missing'];
  let flip: Planned['flip'];
  if (change.kind === 'task') {
    const task = model.tasks[found.index]!;
    edits = tickTaskEdits(text, task, change.checked);
    if (inPlace(text, model, edits)) flip = () => (task.checked = change.checked);
    line = task.line;
    what = `task "${task.text}"`;
    before = text.slice(task.checkboxSpan.start, task.checkboxSpan.end);
  } else if (change.kind === 'result') {
    const block = model.blocks[found.index]!;
    edits = resultLineEdits(text, block, change.line, model.eol);
    line = block.result?.line ?? block.line;
    what = `result of ${block.name ? `block "${block.name}"` : `the block at line ${block.line}`}`;
    before = block.result ? text.slice(block.result.span.start, block.result.span.end) : '(none)';
  } else {
    const table = model.tables[found.index]!;
    const row = table.rows[found.row!]!;
    const cell = row.cells[found.column!]!;
    line = row.line;
    what = `cell "${table.header[found.column!]}" of row "${row.cells[0]!.text}"`;
    before = cell.raw;
    if (change.kind === 'checkbox') {
      if (cell.kind !== 'checkbox') throw new UserError(`${path}:${row.line}: the ${what} holds no checkbox`);
      edits = setCheckboxEdits(cell, change.state, columnFamily(table.rows, found.column!));
      const glyph = edits[0]?.text;
      const box = glyph === undefined ? null : checkboxOf(glyph);
      if (box && inPlace(text, model, edits)) {
        flip = () => Object.assign(cell, { text: glyph, raw: glyph, checkbox: box.state, family: box.family });
      }
    } else {
      try {
        edits = fillCellEdits(text, row, found.column!, change.value);
        if (cell.missing) missing = { table: found.index, row: found.row!, column: found.column!, value: cellText(change.value) };
      } catch (error) {
        throw new UserError(`${path}:${row.line}: ${(error as Error).message}`);
      }
    }
  }
  const after = edits.length ? edits.map((edit) => edit.text).join('').trim() : before;
  const addsResult = change.kind === 'result' && model.blocks[found.index]!.result === null;
  return { edits, report: { line, what, before, after, changed: edits.length > 0 }, addsResult, missing, flip };
}
