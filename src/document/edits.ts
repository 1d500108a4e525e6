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

/** True when `at` falls between the two halves of a surrogate pair. */
const splitsPair = (text: string, at: number) => at > 0 && at < text.length && /[\ud800-\udbff]/.test(text[at - 1]!) && /[\udc00-\udfff]/.test(text[at]!);

/** One edit in bytes: at byte `at` of the old bytes, `removed` bytes became `data`. */
export interface BytePatch {
  at: number;
  removed: number;
  data: Buffer;
}

/**
 * The UTF-8 bytes of `applyEdits(text, edits)`, spliced from `bytes` (the UTF-8 bytes of `text`)
 * instead of encoding the whole result again: for a tick in a 5 MB document, a few milliseconds
 * of counting bytes up to the edits instead of tens encoding the file. Null when an edit would
 * cut a surrogate pair or the bytes do not match the text, so the caller encodes it whole.
 */
export function applyEditsToBytes(text: string, bytes: Uint8Array, edits: readonly Edit[]): Buffer | null {
  return spliceBytes(text, bytes, edits)?.bytes ?? null;
}

/**
 * `applyEditsToBytes`, with each edit as a patch of the old bytes; the new bytes are put
 * together only when asked for (a patch written in place needs no copy of the file).
 */
export function spliceBytes(text: string, bytes: Uint8Array, edits: readonly Edit[]): { readonly bytes: Buffer; patches: BytePatch[] } | null {
  const order = [...edits].map((edit, index) => ({ edit, index }));
  order.sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || a.index - b.index);
  const parts: Uint8Array[] = [];
  const patches: BytePatch[] = [];
  let at = 0;
  let byteAt = 0;
  for (const { edit } of order) {
    if (edit.start < at || edit.end < edit.start || edit.end > text.length) {
      throw new OverlappingEditsError(`edit [${edit.start}, ${edit.end}) overlaps another or lies outside the text`);
    }
    if (splitsPair(text, edit.start) || splitsPair(text, edit.end)) return null;
    const startByte = byteAt + Buffer.byteLength(text.slice(at, edit.start), 'utf8');
    const endByte = startByte + Buffer.byteLength(text.slice(edit.start, edit.end), 'utf8');
    const data = Buffer.from(edit.text, 'utf8');
    parts.push(bytes.subarray(byteAt, startByte), data);
    patches.push({ at: startByte, removed: endByte - startByte, data });
    at = edit.end;
    byteAt = endByte;
  }
  if (byteAt + Buffer.byteLength(text.slice(at), 'utf8') !== bytes.length) return null;
  parts.push(bytes.subarray(byteAt));
  return {
    patches,
    get bytes() {
      return Buffer.concat(parts);
    },
  };
}
