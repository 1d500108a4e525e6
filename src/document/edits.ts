import type { Span } from '../parser/index.js';

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
  const order = edits.map((edit, index) => ({ edit, index }));
  order.sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || a.index - b.index);
  // Concatenation builds a rope that the engine flattens once, when the text is next read.
  let out = '';
  let at = 0;
  for (const { edit } of order) {
    if (edit.start < at || edit.end < edit.start || edit.end > source.length) {
      throw new OverlappingEditsError(`edit [${edit.start}, ${edit.end}) overlaps another or lies outside the text`);
    }
    out += source.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + source.slice(at);
}
