import type { LineEnding, TextLike } from './types.js';

/**
 * Maps offsets to 1-based lines and columns. CR, LF and CRLF each end a line, as in CommonMark
 * (spec section 2.1, "line ending").
 */
export class LineIndex {
  /** Offset at which each line starts. */
  readonly starts: number[];

  constructor(
    readonly text: TextLike,
    given?: number[],
  ) {
    if (given) {
      this.starts = given;
      return;
    }
    this.starts = scanStarts(String(text));
  }

  /**
   * The index of `text`, which is this index's text with `[from, oldTo)` replaced so that it now
   * ends at `newTo`: line starts outside the change are kept or shifted, only the changed part is
   * scanned again. This index must not be used afterwards: its starts may be reused.
   */
  updated(text: TextLike, from: number, oldTo: number, newTo: number): LineIndex {
    const delta = newTo - oldTo;
    const starts = this.starts;
    const a = firstAfter(starts, from, 0);
    const b = firstAfter(starts, oldTo, a);
    const middle: number[] = [];
    for (let i = from; i < newTo; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) middle.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        middle.push(i + 1);
      }
    }
    const inside = middle.filter((s) => s > from && s <= newTo);
    // The starts are updated where they are, as the caller hands this index over (the old
    // text's index is not used again): no copy of an array as long as the file has lines. The
    // starts after the change move and shift in one plain loop: `copyWithin` takes the generic
    // path on a JS array, about 20 times slower, and this runs at every write of a session.
    const grow = inside.length - (b - a);
    const length = starts.length;
    if (grow > 0) {
      for (let k = 0; k < grow; k++) starts.push(0);
      for (let k = length - 1; k >= b; k--) starts[k + grow] = starts[k]! + delta;
    } else if (grow < 0 || delta) {
      for (let k = b; k < length; k++) starts[k + grow] = starts[k]! + delta;
      starts.length = length + grow;
    }
    for (let k = 0; k < inside.length; k++) starts[a + k] = inside[k]!;
    return new LineIndex(text, starts);
  }

  /** The 1-based line holding `offset`. */
  line(offset: number): number {
    return lastAtOrBefore(this.starts, offset) + 1;
  }

  /** The 1-based column of `offset` on its line (in code units). */
  column(offset: number): number {
    return offset - this.lineStart(this.line(offset)) + 1;
  }

  /** Offset where 1-based `line` starts. */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }

  /** Offset where the content of 1-based `line` ends (before its line ending). */
  lineEnd(line: number): number {
    const next = this.starts[line];
    if (next === undefined) return this.text.length;
    let end = next;
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** Offset where 1-based `line` ends, including its line ending. */
  lineEndWithEol(line: number): number {
    return this.starts[line] ?? this.text.length;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

/** The line ending used most often in `text` (LF when there is none). */
export function dominantLineEnding(text: string): LineEnding {
  // Most files have no carriage return at all, which one search finds faster than the count.
  if (!text.includes('\r')) return '\n';
  let lf = 0;
  let crlf = 0;
  let cr = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        crlf++;
        i++;
      } else cr++;
    } else if (c === 10) lf++;
  }
  if (crlf > lf && crlf >= cr) return '\r\n';
  if (cr > lf && cr > crlf) return '\r';
  return '\n';
}

/** The index of the last of the sorted `starts` at or before `offset` (0 when none is). */
export function lastAtOrBefore(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Offset at which each line of `text` starts. */
function scanStarts(text: string): number[] {
  // A BOM is not content: line 1 starts after it, so prefixes and columns never include it.
  const starts = [text.charCodeAt(0) === 0xfeff ? 1 : 0];
  if (text.indexOf('\r') === -1) {
    // The common case, found with the engine's native search rather than char by char.
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
  }
  return starts;
}

/** The first index at or after `lo` whose line start is past `offset` (the starts are sorted). */
function firstAfter(starts: number[], offset: number, lo: number): number {
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
