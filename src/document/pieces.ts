import { lastAtOrBefore, type TextLike } from '../parser/index.js';
import { applyEdits, inOrder, type Edit } from './edits.js';

/**
 * Code units per piece when a text is cut (a piece holds up to twice as many). A two-byte piece
 * stays far below the engine's large-object size (128 KB), where each new string would be placed
 * on pages of its own fresh from the system and cost a full collection's share. Smaller is less
 * garbage per write: the piece an edit makes is a new string, flattened whole the first time it
 * is read (up to 16 KB here, for each step of a session); larger is fewer pieces to list per
 * version of a multi-megabyte document.
 */
const PIECE = 4 * 1024;

/**
 * A document's text held as a list of pieces instead of one string: an edit makes a new version
 * that shares every piece it does not touch, so writing a line into a large document costs in
 * proportion to the pieces it touches, not to the document. Reads go through `slice` and
 * `charCodeAt` (what `TextLike` asks), like a string's; `toString` joins it, once, when a whole
 * string is needed. No piece ends between the two halves of a surrogate pair, so each piece's
 * UTF-8 length is its share of the file's bytes.
 */
export class Pieces implements TextLike {
  /** UTF-8 length of each piece, counted when first asked for (see `byteLength`). */
  private readonly bytes: Array<number | undefined>;
  private joined: string | null = null;

  private constructor(
    private readonly parts: readonly string[],
    /** Offset at which each piece starts. */
    private readonly starts: readonly number[],
    readonly length: number,
    /** Code units per piece when cut (`PIECE`; smaller in the tests, to meet many edges). */
    private readonly size: number,
    bytes?: Array<number | undefined>,
  ) {
    this.bytes = bytes ?? new Array<number | undefined>(parts.length);
  }

  /** `text`, cut into pieces of about `size` code units. */
  static of(text: string, size = PIECE): Pieces {
    const parts = cut(text, size);
    const pieces = new Pieces(parts, startsOf(parts), text.length, size);
    pieces.joined = text;
    return pieces;
  }

  charCodeAt(index: number): number {
    if (!(index >= 0 && index < this.length)) return NaN;
    const k = this.find(index);
    return this.parts[k]!.charCodeAt(index - this.starts[k]!);
  }

  /** The text of `[start, end)`, as `String.prototype.slice` reads its arguments. */
  slice(start = 0, end = this.length): string {
    const from = clamp(start, this.length);
    const to = clamp(end, this.length);
    if (from >= to) return '';
    if (this.joined !== null) return this.joined.slice(from, to);
    let k = this.find(from);
    const first = this.parts[k]!;
    const offset = this.starts[k]!;
    if (to <= offset + first.length) return first.slice(from - offset, to - offset);
    let out = first.slice(from - offset);
    for (k++; k < this.parts.length && this.starts[k]! < to; k++) {
      const part = this.parts[k]!;
      out += to >= this.starts[k]! + part.length ? part : part.slice(0, to - this.starts[k]!);
    }
    return out;
  }

  /** UTF-8 length of `[start, end)`; neither may fall between the halves of a surrogate pair. */
  byteLength(start: number, end: number): number {
    if (start >= end) return 0;
    const a = this.find(start);
    const b = this.find(end - 1);
    if (a === b) return Buffer.byteLength(this.slice(start, end), 'utf8');
    let sum = Buffer.byteLength(this.slice(start, this.starts[a + 1]!), 'utf8') + Buffer.byteLength(this.slice(this.starts[b]!, end), 'utf8');
    for (let k = a + 1; k < b; k++) sum += this.partBytes(k);
    return sum;
  }

  /**
   * The text with `edits` applied (offsets into this text; overlapping edits are refused, two
   * insertions at one offset are applied in the order given, as `applyEdits` does). Pieces the
   * edits do not reach are shared with this version.
   */
  edit(edits: readonly Edit[]): Pieces {
    if (edits.length === 0) return this;
    if (this.parts.length === 0) return Pieces.of(applyEdits('', edits), this.size);
    const order = inOrder(edits, this.length);
    const parts: string[] = [];
    const bytes: Array<number | undefined> = [];
    const keep = (k: number) => (parts.push(this.parts[k]!), bytes.push(this.bytes[k]));
    let next = 0;
    let i = 0;
    while (i < order.length) {
      // The pieces from the one holding this edit's start to the one holding the end of the last
      // edit that reaches into them become one string, cut again.
      const first = order[i]!;
      const a = this.find(first.start);
      let b = this.find(Math.max(first.start, first.end - 1));
      let j = i + 1;
      // (The last piece also takes what is inserted at the very end of the text.)
      while (j < order.length && (order[j]!.start < this.starts[b]! + this.parts[b]!.length || b === this.parts.length - 1)) {
        b = this.find(Math.max(order[j]!.start, order[j]!.end - 1));
        j++;
      }
      for (; next < a; next++) keep(next);
      const from = this.starts[a]!;
      const to = this.starts[b]! + this.parts[b]!.length;
      let text = '';
      let cursor = from;
      for (let k = i; k < j; k++) {
        const edit = order[k]!;
        text += this.slice(cursor, edit.start) + edit.text;
        cursor = edit.end;
      }
      text += this.slice(cursor, to);
      for (const part of cut(text, this.size)) parts.push(part), bytes.push(undefined);
      next = b + 1;
      i = j;
    }
    for (; next < this.parts.length; next++) keep(next);
    const length = this.length + order.reduce((sum, edit) => sum + edit.text.length - (edit.end - edit.start), 0);
    return new Pieces(parts, startsOf(parts), length, this.size, bytes);
  }

  /** The whole text as one string, joined once. */
  toString(): string {
    return (this.joined ??= this.parts.join(''));
  }

  /** The piece holding `offset` (the last one for the end of the text). */
  private find(offset: number): number {
    return lastAtOrBefore(this.starts, offset);
  }

  private partBytes(k: number): number {
    return (this.bytes[k] ??= Buffer.byteLength(this.parts[k]!, 'utf8'));
  }
}

function clamp(at: number, length: number): number {
  const n = Math.trunc(at) || 0;
  return n < 0 ? Math.max(0, length + n) : Math.min(n, length);
}

/** `text` in pieces of about `size` code units, never between the halves of a surrogate pair. */
function cut(text: string, size: number): string[] {
  if (text.length <= size * 2) return text === '' ? [] : [text];
  const parts: string[] = [];
  let at = 0;
  while (text.length - at > size * 2) {
    let end = at + size;
    const c = text.charCodeAt(end - 1);
    if (c >= 0xd800 && c <= 0xdbff) end++;
    parts.push(text.slice(at, end));
    at = end;
  }
  parts.push(text.slice(at));
  return parts;
}

function startsOf(parts: readonly string[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const part of parts) starts.push(at), (at += part.length);
  return starts;
}
