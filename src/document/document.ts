import { prepareExchange } from './exchange.js';
import { accessSync, close, closeSync, constants, lstatSync, realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { UserError } from '../errors.js';
import { monotonicMs } from '../clock.js';
import { checkboxOf, NESTING_RULE, parseRunbook, rowName, updateRunbook, type CheckboxState, type Runbook, type TextLike } from '../parser/index.js';
import { describeAnchor, resolve, type Anchor } from './anchors.js';
import { carryEdit } from './carry.js';
import { ConflictError, keepBeside, type Conflict } from './conflict.js';
import { applyEdits, applyEditsToBytes, spliceBytes, type Edit } from './edits.js';
import { acquireLock } from './lock.js';
import { blockBodyEdits, cellText, evidenceLineEdits, fillCellEdits, fillMissingCellsEdits, resultLineEdits, resultWithEvidenceEdits, setCheckboxEdits, tickTaskEdits } from './ops.js';
import { changedSource, decodeSource, readSource, type Source } from './source.js';
import { stampOf } from './stamp.js';
import { timelineEdit } from './timeline.js';
import { formatTime } from './time.js';
import type { Pieces } from './pieces.js';
import { readWhole, readWholeFd, type Whole } from './whole.js';
import { flushFolders, replaceFile, sweepTemporaries, type Replaced } from './write.js';

/** A change to make, anchored by identity so it can be found again after someone else's edit. */
export type Change =
  | {
      kind: 'task';
      anchor: Anchor & { kind: 'task' };
      checked: boolean;
      /**
       * The block whose task this is, when it is ticked because its block passed: the task is then
       * the one that holds the block, found with it, not one with the same text elsewhere (a
       * section of the same title added above renumbers the sections the anchor knows them by).
       */
      owner?: Anchor & { kind: 'block' };
    }
  | { kind: 'checkbox'; anchor: Anchor & { kind: 'cell' }; state: CheckboxState }
  | { kind: 'fill'; anchor: Anchor & { kind: 'cell' }; value: string }
  | { kind: 'result'; anchor: Anchor & { kind: 'block' }; line: string; /** The evidence line to write under it, in the same write. */ evidence?: string }
  | { kind: 'evidence'; anchor: Anchor & { kind: 'block' }; line: string }
  | { kind: 'body'; anchor: Anchor & { kind: 'block' }; body: string };

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
  /**
   * The version the last write replaced, still open, with the changes that write made: a
   * program that opened the file before the swap may write into it after, and that write is
   * looked for at the next write and at close.
   */
  private held: { replaced: Replaced; changes: Change[] } | null = null;
  /** Every conflict met (see `Conflict`), in order; each was also thrown as a `ConflictError`, except one met at `close`. */
  readonly conflicts: Conflict[] = [];
  /** How long the last `apply` spent updating the model and writing the file, in ms. */
  lastTimings = { updateMs: 0, writeMs: 0 };

  /** The model of `source`, or null until it is asked for (see `model`). */
  private parsed: Runbook | null;

  private constructor(
    readonly path: string,
    public source: Source,
    model: Runbook,
  ) {
    this.parsed = model;
  }

  /**
   * The parsed document. After a version is adopted whole (someone else's, the timeline), it is
   * parsed when next asked for: a session's last write is often followed by nothing but close.
   */
  get model(): Runbook {
    this.parsed ??= parseRunbook(this.source.text);
    return this.parsed;
  }

  set model(model: Runbook) {
    this.parsed = model;
  }

  /** Reads and parses `path`; with `lock`, also takes its advisory lock in that command's name. */
  static open(given: string, options: { lock?: string } = {}): Document {
    // A link is followed: the file it names is the document (written in place, as editors do),
    // not a copy that would replace the link.
    const path = linkTarget(given);
    const source = readSource(path);
    const doc = new Document(path, source, parseRunbook(source.text));
    // A document nested past the parser's limits was not read: nothing in it can be run or edited.
    const refused = doc.model.problems.find((p) => p.ruleId === NESTING_RULE);
    if (refused) throw new UserError(`${path}:${refused.line}:${refused.column}: ${refused.message}`);
    if (options.lock) {
      doc.lock(options.lock);
      doc.prepareWrites();
    }
    return doc;
  }

  /**
   * Takes the file's advisory lock in a command's name (a session takes it once everything is
   * checked, so a refused session leaves none behind).
   */
  lock(command: string): void {
    if (this.release) return;
    this.refuseReadOnly();
    this.release = acquireLock(this.path, command);
    // Holding the lock, no other writer of this file is running: leftovers of killed ones go.
    sweepTemporaries(this.path);
  }

  /**
   * A document made read-only (`chmod a-w`: a signed-off record, a frozen template) is not written:
   * a new version renamed into place would pass over the permission its owner set. Refused before
   * anything runs or changes, even where the user could write it anyway (root).
   */
  private refuseReadOnly(): void {
    let writable = (this.source.mode & 0o222) !== 0;
    try {
      accessSync(this.path, constants.W_OK);
    } catch {
      writable = false;
    }
    if (!writable) throw new UserError(`${this.path}: the file is read-only (mode ${(this.source.mode & 0o7777).toString(8).padStart(4, '0')}); nothing was run or changed: make it writable (chmod u+w) to record in it`);
  }

  /**
   * Starts the helper that swaps versions in, ahead of the first write, so that it is ready by
   * then. A session calls it once its shell is starting: each process started costs the tool a
   * few milliseconds of its own, and the shell is the one the first block waits for.
   */
  prepareWrites(): void {
    prepareExchange();
  }

  /**
   * Makes a late write into the version last replaced part of the document (see `held`), then
   * releases the lock, if held. Never throws for a conflict: one met here is in `conflicts`.
   */
  close(): void {
    try {
      this.settle();
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    } finally {
      flushFolders();
      this.release?.();
      this.release = null;
    }
  }

  /** Applies changes in one write; returns what each did. Nothing is written when nothing changes. */
  apply(changes: Change[]): ChangeReport[] {
    this.settle();
    this.refreshIfChanged(changes);
    // In pieces: a new version of a large document is never made one string (see `Pieces`).
    const text = this.source.pieces;
    const model = this.model;
    const planned = changes.map((change) => plan(text, model, change, this.path));
    joinMissingCells(text, model, planned);
    const edits = planned.flatMap((p) => p.edits);
    if (edits.length === 0) return planned.map((p) => p.report);
    const next = text.edit(edits);
    const started = monotonicMs();
    // Flipping boxes only (`[ ]`→`[x]`, `⬜`→`✅`: one glyph for another of the same length)
    // changes no offset, line or structure: the model is updated where it stands, not re-parsed.
    if (planned.every((p) => p.flip)) {
      if (this.commit(next, this.encode(text, next, edits), changes)) for (const p of planned) p.flip!();
      this.lastTimings = { updateMs: 0, writeMs: monotonicMs() - started };
      this.afterWrite();
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
      this.model = parseRunbook(text.toString());
      throw new UserError(`${this.path}: that change would alter the document's structure (${planned.map((p) => p.report.what).join(', ')}); nothing was written`);
    }
    if (this.commit(next, this.encode(text, next, edits), changes)) this.model = updated;
    this.lastTimings = { updateMs: updatedAt - started, writeMs: monotonicMs() - updatedAt };
    this.afterWrite();
    return planned.map((p) => p.report);
  }

  /**
   * The bytes of `next`, spliced from the last bytes read or written where that is exact, into a
   * buffer of `spare` that holds no version still in use.
   */
  private encode(text: Pieces, next: Pieces, edits: Edit[]): Buffer {
    const spliced = spliceBytes(text, this.source.bytes, edits);
    return spliced ? spliced.into(this.spare(spliced.length)) : Buffer.from(next.toString(), 'utf8');
  }

  /**
   * Buffers the session's versions are spliced into. Each write makes a version the size of the
   * document, which stays in use until the next write replaces it; one fresh buffer per write
   * would be garbage the size of the document, every step, freed only by the next full
   * collection — most of a long session's memory growth. Two buffers are enough: the version on
   * disk (`source`) and the one being written; the version the last write replaced (`held`) is
   * in use too until `settle` lets it go, so a buffer backing either is never handed out.
   */
  private readonly buffers: Buffer[] = [];

  /** A buffer of at least `size` bytes that no version in use lives in. */
  private spare(size: number): Buffer {
    const inUse = (buffer: Buffer) => buffer.buffer === this.source.bytes.buffer || buffer.buffer === this.held?.replaced.bytes.buffer;
    const free = this.buffers.findIndex((buffer) => !inUse(buffer));
    if (free !== -1 && this.buffers[free]!.length >= size) return this.buffers[free]!;
    // Room to grow: a session adds a result line per step.
    const fresh = Buffer.allocUnsafeSlow(size + (size >> 2) + 4096);
    if (free !== -1) this.buffers[free] = fresh;
    else if (this.buffers.length < 2) this.buffers.push(fresh);
    return fresh;
  }

  /**
   * Writes `bytes` (the text `text`: `changes` made to the version last read or written) and
   * makes sure that no one else's version is replaced unseen. Just before the swap, a file
   * changed since is read and merged first; after it, the version swapped out (see
   * `replaceFile`) must still be the expected one, else theirs is merged and written in turn.
   * Merging makes the changes again to their version (a few rounds at most, should they keep
   * writing) — but once the file has held a version of ours that lacked someone's edit (after a
   * late find, or from the start when `carrying` one only this session has seen, see `settle`),
   * the next version found may have grown from that one: then the edit it adds is carried into
   * ours instead. Where neither can be done, their version is put (back) in the document and
   * ours kept beside it (`ConflictError`). Returns true when the file now holds `text`, false
   * when it holds a merged text (which is then the source and the model).
   */
  private commit(text: string | Pieces, bytes: Buffer, changes: Change[], carrying = false): boolean {
    let expected: Uint8Array = this.source.bytes;
    let expectedStamp = this.source.stamp;
    let writing = { text, bytes };
    let pure = !carrying;
    const merge = (found: Uint8Array, round: number) => {
      const onto = pure ? found : carryEdit(expected, found, writing.bytes);
      if (onto === null) return { problem: 'two programs changed it at once, in the same place' };
      return round < 4 ? this.remake(onto, changes) : { problem: 'it kept changing while it was being written' };
    };
    for (let round = 0; ; round++) {
      let found: Uint8Array | null = null;
      const written = replaceFile(this.path, writing.bytes, this.source.mode, () => {
        if (stampOf(this.path) === expectedStamp) return false;
        const now = readWhole(this.path);
        found = now.bytes.equals(expected) ? null : now.bytes;
        expectedStamp = now.stamp;
        return found !== null;
      }, expectedStamp, expected);
      if (!written) {
        // Changed since it was read, and nothing of ours written yet: merge first.
        const merged = merge(found!, round);
        if ('problem' in merged) this.yieldTo(found!, changes, merged.problem, writing.bytes);
        expected = found!;
        writing = merged;
        continue;
      }
      const { stamp, replaced } = written;
      if (!replaced || replaced.bytes.equals(expected)) {
        this.hold(replaced, changes);
        if (writing.bytes === bytes) {
          this.source = changedSource(this.source, { text, bytes, stamp });
          return true;
        }
        this.adopt(writing.bytes, stamp);
        return false;
      }
      // Someone else's version was in place: ours went over it, and the file now holds ours
      // without their edit until the merge is written.
      closeSync(replaced.fd);
      const merged = merge(replaced.bytes, round);
      if ('problem' in merged) this.yieldTo(replaced.bytes, changes, merged.problem);
      expected = writing.bytes;
      expectedStamp = stamp;
      writing = merged;
      pure = false;
    }
  }

  /**
   * Looks again at the version the last write replaced: if a program that had it open wrote
   * into it after the swap, the last write's changes are made to what it holds now, and that is
   * written (or, when they cannot be, it is put back and this session's version kept beside).
   */
  private settle(keep = false): void {
    const held = this.held;
    if (!held) return;
    let late: Buffer;
    try {
      late = readWholeFd(held.replaced.fd, held.replaced.stamp, true).bytes;
    } catch (error) {
      this.hold(null, []);
      throw error;
    }
    if (late.equals(held.replaced.bytes)) {
      if (!keep) this.hold(null, []);
      return;
    }
    late = Buffer.from(late);
    this.hold(null, []);
    // Nobody else can see that write: it is carried into the document as it is now, and into
    // any version someone else writes meanwhile.
    const onto = carryEdit(held.replaced.bytes, late, this.source.bytes);
    const merged = onto === null ? { problem: 'it was written to in the same place as this session wrote' } : this.remake(onto, held.changes);
    if ('problem' in merged) this.yieldTo(late, held.changes, merged.problem);
    if (this.commit(merged.text, merged.bytes, held.changes, true)) this.adopt(merged.bytes, this.source.stamp);
  }

  /**
   * Replaces the whole text with `text`, which the caller made from `source.text` with edits
   * that cannot be found again in another version (a reset's, say; `what` describes them). If
   * the version replaced is not the source, someone else's edit was in it: their version is put
   * back and `text` kept beside it (`ConflictError`).
   */
  replaceText(text: string, what: string): void {
    this.settle();
    const bytes = Buffer.from(text, 'utf8');
    this.replaceWith(bytes, what, (stamp) => this.adopt(bytes, stamp));
  }

  /** `replaceText` with the new version's bytes made; `written` takes it as the source. */
  private replaceWith(bytes: Buffer, what: string, written: (stamp: string) => void): void {
    const { stamp, replaced } = replaceFile(this.path, bytes, this.source.mode, undefined, undefined, this.source.bytes);
    if (!replaced || replaced.bytes.equals(this.source.bytes)) {
      this.hold(replaced, []);
      written(stamp);
      this.afterWrite();
      return;
    }
    closeSync(replaced.fd);
    this.yieldTo(replaced.bytes, [what], 'its edits were computed on the version before');
  }

  /**
   * Writes the session timeline (see `timelineEdit`): a block of `lang` at the end of the
   * document, replacing the one there. Someone else's edit meanwhile is taken as it is, since the
   * timeline anchors on nothing of theirs; returns whether anything changed.
   */
  writeTimeline(lang: string, body: string): boolean {
    this.settle();
    try {
      if (stampOf(this.path) !== this.source.stamp) {
        const whole = readWhole(this.path);
        if (!whole.bytes.equals(this.source.bytes)) this.adopt(whole.bytes, whole.stamp);
      }
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`${this.path} was removed or became unreadable during the session; no timeline was written`);
    }
    // A fence left open runs to the end of the document: a timeline written there would be its
    // text, and its closing fence would close that one. None is written (`check` reports the fence).
    if (this.model.blocks.some((b) => b.closeSpan === null)) return false;
    const { text, pieces } = this.source;
    const edit = timelineEdit(text, lang, body, this.source.eol);
    if (text.slice(edit.start, edit.end) === edit.text) return false;
    // An edit at the end of the document like any other: spliced, in pieces, never whole again.
    const next = pieces.edit([edit]);
    const bytes = this.encode(pieces, next, [edit]);
    this.replaceWith(bytes, 'the timeline', (stamp) => {
      this.source = changedSource(this.source, { text: next, bytes, stamp });
      this.parsed = null;
    });
    return true;
  }

  /**
   * After a write: a program that had the file open just before the swap may have written into
   * it since, and what it wrote is seen by nobody until it is carried over. A look now carries it
   * over before that program (or another) reads the document again; the version stays held for
   * the next write and close all the same, which look again.
   */
  private afterWrite(): void {
    if (!this.held) return;
    this.settle(true);
  }

  /** Keeps the version a write replaced, open, until the next write or close (see `held`). */
  private hold(replaced: Replaced | null, changes: Change[]): void {
    // The last reference to a replaced version: closing it frees the file on disk, which takes
    // the file system some time; that is done off the thread, while the session goes on.
    if (this.held) close(this.held.replaced.fd, () => undefined);
    this.held = replaced ? { replaced, changes } : null;
  }

  /** Takes `bytes`, now on disk with `stamp`, as the source, and parses it. */
  private adopt(bytes: Uint8Array, stamp: string): void {
    this.source = decodeSource(this.path, bytes, this.source.mode, stamp);
    this.parsed = null;
  }

  /** `changes` made to another version of the document, or why they cannot be. */
  private remake(bytes: Uint8Array, changes: Change[]): { text: string; bytes: Buffer } | { problem: string } {
    let source: Source;
    try {
      source = decodeSource(this.path, bytes, this.source.mode);
    } catch (error) {
      return { problem: `their version is not a runbook any more (${(error as Error).message})` };
    }
    const model = parseRunbook(source.text);
    const problem = anchorProblem(model, changes);
    if (problem) return { problem };
    try {
      const planned = changes.map((change) => plan(source.text, model, change, this.path));
      joinMissingCells(source.text, model, planned);
      const edits = planned.flatMap((p) => p.edits);
      const text = applyEdits(source.text, edits);
      return { text, bytes: applyEditsToBytes(source.text, bytes, edits) ?? Buffer.from(text, 'utf8') };
    } catch (error) {
      return { problem: (error as Error).message };
    }
  }

  /**
   * Someone else's version (`theirs`) cannot take this session's changes: it is put in the
   * document (again, if a write of ours had gone over it) and the version it replaces — this
   * session's — is kept beside it. Records the conflict and throws it.
   */
  private yieldTo(theirs: Uint8Array, changes: Change[] | string[], reason: string, ours?: Uint8Array): never {
    let mine = ours;
    // Their version is in the document already when ours is given; else ours went over it.
    let stamp = '';
    if (!mine) {
      const written = replaceFile(this.path, theirs, this.source.mode);
      mine = written.replaced?.bytes ?? Buffer.alloc(0);
      if (written.replaced) closeSync(written.replaced.fd);
      stamp = written.stamp;
    }
    if (Buffer.compare(this.source.bytes, theirs) !== 0) {
      try {
        this.adopt(theirs, stamp);
      } catch {
        // Not a runbook: the next write reads it again and says so.
        this.source = changedSource(this.source, { stamp: '' });
      }
    }
    const at = new Date();
    const conflict: Conflict = { path: this.path, kept: keepBeside(this.path, mine, this.source.mode, at), at: formatTime(at), changes: changes.map((c) => (typeof c === 'string' ? c : describeAnchor(c.anchor))), reason };
    this.conflicts.push(conflict);
    throw new ConflictError(conflict);
  }

  /**
   * Before writing: if the file on disk is no longer what was read, take the new text, and make
   * sure every change still finds its target, exactly once. Where one does not, their version
   * stays, and this session's (its changes made to what it last read or wrote) is kept beside.
   */
  private refreshIfChanged(changes: Change[]): void {
    let whole: Whole;
    try {
      // Same inode, size and change times: nobody wrote the file since we did (and should the
      // clock be too coarse to tell, the swap in `commit` still finds their version).
      if (stampOf(this.path) === this.source.stamp) return;
      whole = readWhole(this.path);
    } catch {
      throw new UserError(`${this.path} was removed or became unreadable during the session; nothing was written`);
    }
    // The bytes last read or written, compared as bytes: cheaper than hashing megabytes.
    if (whole.bytes.equals(this.source.bytes)) {
      this.source = changedSource(this.source, { stamp: whole.stamp });
      return;
    }
    const ours = this.remake(this.source.bytes, changes);
    const keep = 'problem' in ours ? this.source.bytes : ours.bytes;
    let source: Source;
    try {
      source = decodeSource(this.path, whole.bytes, whole.mode, whole.stamp);
    } catch (error) {
      this.source = changedSource(this.source, { stamp: '' });
      return this.yieldTo(whole.bytes, changes, `their version is not a runbook any more (${(error as Error).message})`, keep);
    }
    const model = parseRunbook(source.text);
    const problem = anchorProblem(model, changes);
    this.source = source;
    this.model = model;
    if (problem) this.yieldTo(whole.bytes, changes, problem, keep);
  }
}

/** Why a change no longer finds its target in `model`, or null when every one does, once. */
function anchorProblem(model: Runbook, changes: Change[]): string | null {
  for (const change of changes) {
    const found = locate(model, change);
    if ('problem' in found) return `the ${describeAnchor(change.anchor)} ${found.problem === 'missing' ? 'is no longer there' : 'can no longer be told apart from another'}`;
  }
  return null;
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
  for (let i = 0; i < model.blocks.length; i++) if (model.blocks[i]!.result) count++;
  return count;
}

/** Where a change's target is in `model`: its anchor resolved, or for a block's task, the task holding that block. */
function locate(model: Runbook, change: Change): ReturnType<typeof resolve> {
  if (change.kind !== 'task' || !change.owner) return resolve(model, change.anchor);
  const block = resolve(model, change.owner);
  if ('problem' in block) return block;
  const task = model.blocks[block.index]!.task;
  return task === null ? { problem: 'missing' } : { index: task };
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
function joinMissingCells(text: TextLike, model: Runbook, planned: Planned[]): void {
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
function inPlace(text: TextLike, model: Runbook, edits: Edit[]): boolean {
  return edits.every(
    (e) =>
      e.end - e.start === e.text.length &&
      !/[\r\n]/.test(e.text) &&
      !/[\r\n]/.test(text.slice(e.start, e.end)) &&
      !model.sections.some((section) => section.span.start < e.end && e.start < section.span.end),
  );
}

/** Turns one change into edits on the current text and model. */
function plan(text: TextLike, model: Runbook, change: Change, path: string): Planned {
  const found = where(locate(model, change), change, path);
  let edits: Edit[];
  let line: number;
  let what: string;
  let before: string;
  let missing: Planned['missing'];
  let flip: Planned['flip'];
  if (change.kind === 'task') {
    const task = model.tasks[found.index]!;
    edits = tickTaskEdits(text, task, change.checked);
    // A glyph box's sign can change how its list or block pairs signs: that one is parsed again.
    if (task.kind === 'task' && inPlace(text, model, edits)) flip = () => (task.checked = change.checked);
    line = task.line;
    what = `task "${task.text}"`;
    before = text.slice(task.checkboxSpan.start, task.checkboxSpan.end);
  } else if (change.kind === 'body') {
    const block = model.blocks[found.index]!;
    line = block.line;
    what = `code of ${block.name ? `block "${block.name}"` : `the block at line ${block.line}`}`;
    before = block.body;
    try {
      edits = blockBodyEdits(text, block, change.body, model.eol);
    } catch (error) {
      throw new UserError(`${path}:${block.line}: ${(error as Error).message}`);
    }
    // Code that would end the fence early (a line of backticks, say) is not the block's any more.
    // The body keeps the file's line endings; the edit may have others.
    const lines = (body: string | undefined) => body?.split(/\r\n|\r|\n/).join('\n');
    if (edits.length && lines(parseRunbook(applyEdits(String(text), edits)).blocks[found.index]?.body) !== lines(change.body)) {
      throw new UserError(`${path}:${block.line}: the edited code cannot be saved into the block as it is (a line of it would end the fence or change what the block is); nothing was written`);
    }
  } else if (change.kind === 'result') {
    const block = model.blocks[found.index]!;
    edits = change.evidence === undefined ? resultLineEdits(text, block, change.line, model.eol) : resultWithEvidenceEdits(text, block, change.line, change.evidence, model.eol);
    line = block.result?.line ?? block.line;
    what = `result of ${block.name ? `block "${block.name}"` : `the block at line ${block.line}`}`;
    before = block.result ? text.slice(block.result.span.start, block.result.span.end) : '(none)';
  } else if (change.kind === 'evidence') {
    const block = model.blocks[found.index]!;
    edits = evidenceLineEdits(text, block, change.line, model.eol);
    line = block.evidence?.line ?? block.result?.line ?? block.line;
    what = `evidence of ${block.name ? `block "${block.name}"` : `the block at line ${block.line}`}`;
    before = block.evidence ? text.slice(block.evidence.span.start, block.evidence.span.end) : '(none)';
  } else {
    const table = model.tables[found.index]!;
    const row = table.rows[found.row!]!;
    const cell = row.cells[found.column!]!;
    line = row.line;
    what = `cell "${table.header[found.column!]}" of row "${rowName(table, row)}"`;
    before = cell.raw;
    if (change.kind === 'checkbox') {
      if (cell.kind !== 'checkbox') throw new UserError(`${path}:${row.line}: the ${what} holds no checkbox`);
      edits = setCheckboxEdits(cell, change.state, table.rows, found.column!);
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
  const after = change.kind === 'body' ? change.body : edits.length ? edits.map((edit) => edit.text).join('').trim() : before;
  const addsResult = change.kind === 'result' && model.blocks[found.index]!.result === null;
  return { edits, report: { line, what, before, after, changed: edits.length > 0 }, addsResult, missing, flip };
}

/** `path`, or the file it links to (relative to the link's folder) when it is a symbolic link. */
function linkTarget(path: string): string {
  try {
    if (!lstatSync(path).isSymbolicLink()) return path;
    const real = realpathSync(path);
    const relativeToCwd = relative(process.cwd(), real);
    return relativeToCwd.startsWith('..') ? real : relativeToCwd;
  } catch {
    // Missing or a broken link: reading it says so.
    return path;
  }
}
