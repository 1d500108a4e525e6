import type { Span, TextLike } from '../parser/index.js';
import type { Pieces } from './pieces.js';

/** One change to a document: replace `[start, end)` with `text`. */
export interface Edit extends Span {
  text: string;
}

/** Raised for edits that overlap: a bug in whoever planned them, never applied half-way. */
export class OverlappingEditsError extends Error {}

/**
 * Applies edits to `source` in one sorted pass, in O(size + k). Every byte outside the edited
 * spans is kept as is. Overlapping edits are refused (two insertions at one offset are applied
 * in the order given), as ESLint's SourceCodeFixer does.
 */
export function applyEdits(source: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return source;
  // Concatenation builds a rope that the engine flattens once, when the text is next read.
  let out = '';
  let at = 0;
  for (const edit of inOrder(edits, source.length)) {
    out += source.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + source.slice(at);
}

/**
 * `edits` in the order they apply: by place, two insertions at one offset in the order given.
 * Each must lie inside a text of `length` and start at or after the end of the one before, or an
 * `OverlappingEditsError` is thrown and nothing is applied.
 */
export function inOrder(edits: readonly Edit[], length: number): Edit[] {
  const order = edits.map((edit, index) => ({ edit, index }));
  order.sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || a.index - b.index);
  let at = 0;
  for (const { edit } of order) {
    if (edit.start < at || edit.end < edit.start || edit.end > length) {
      throw new OverlappingEditsError(`edit [${edit.start}, ${edit.end}) overlaps another or lies outside the text`);
    }
    at = edit.end;
  }
  return order.map(({ edit }) => edit);
}

/** True when `at` falls between the two halves of a surrogate pair. */
function splitsPair(text: TextLike, at: number): boolean {
  if (at <= 0 || at >= text.length) return false;
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/** UTF-8 length of `text[start, end)`; a text in pieces counts it without joining them. */
function byteLength(text: TextLike, start: number, end: number): number {
  return typeof text === 'string' ? Buffer.byteLength(text.slice(start, end), 'utf8') : (text as Pieces).byteLength(start, end);
}

/**
 * The UTF-8 bytes of `applyEdits(text, edits)`, spliced from `bytes` (the UTF-8 bytes of `text`)
 * instead of encoding the whole result again: for a tick in a 5 MB document, a few milliseconds
 * of counting bytes up to the edits instead of tens encoding the file. Null when an edit would
 * cut a surrogate pair or the bytes do not match the text, so the caller encodes it whole.
 */
export function applyEditsToBytes(text: TextLike, bytes: Uint8Array, edits: readonly Edit[]): Buffer | null {
  return spliceBytes(text, bytes, edits)?.bytes ?? null;
}

/**
 * `applyEditsToBytes`, with the new bytes put together only when asked for: in a buffer of their
 * own (`bytes`), or into one the caller reuses (`into`).
 */
export function spliceBytes(text: TextLike, bytes: Uint8Array, edits: readonly Edit[]): Spliced | null {
  const parts: Uint8Array[] = [];
  let at = 0;
  let byteAt = 0;
  for (const edit of inOrder(edits, text.length)) {
    if (splitsPair(text, edit.start) || splitsPair(text, edit.end)) return null;
    const startByte = byteAt + byteLength(text, at, edit.start);
    const endByte = startByte + byteLength(text, edit.start, edit.end);
    parts.push(bytes.subarray(byteAt, startByte), Buffer.from(edit.text, 'utf8'));
    at = edit.end;
    byteAt = endByte;
  }
  if (byteAt + byteLength(text, at, text.length) !== bytes.length) return null;
  parts.push(bytes.subarray(byteAt));
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  return {
    length,
    get bytes() {
      return Buffer.concat(parts, length);
    },
    into(target: Buffer) {
      let at = 0;
      for (const part of parts) {
        target.set(part, at);
        at += part.length;
      }
      return target.subarray(0, length);
    },
  };
}

/** New bytes made of spans of the old ones and the edits' text, put together when asked for. */
export interface Spliced {
  /** How many bytes the new version has. */
  length: number;
  /** The new bytes, in a buffer of their own. */
  readonly bytes: Buffer;
  /** The new bytes, written at the start of `target` (at least `length` long, and none of the old bytes); a view of them. */
  into(target: Buffer): Buffer;
}
