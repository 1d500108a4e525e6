/**
 * Carries someone's edit from one version of a file to another: `changed` is `base` with one
 * stretch of bytes replaced (an append, a write in place, a paragraph rewritten), and the same
 * replacement is made to `onto`, another version that grew from `base`, when the stretch lies in
 * a part the two still share — the same bytes before it (so it sits at the same offset) or the
 * same bytes after it (so it sits as far from the end). Returns null when it does not, or when
 * `changed` differs from `base` in more than one stretch that way.
 */
export function carryEdit(base: Uint8Array, changed: Uint8Array, onto: Uint8Array): Buffer | null {
  const limit = Math.min(base.length, changed.length);
  let start = 0;
  while (start < limit && base[start] === changed[start]) start++;
  let tail = 0;
  while (tail < limit - start && base[base.length - 1 - tail] === changed[changed.length - 1 - tail]) tail++;
  const end = base.length - tail;
  const text = changed.subarray(start, changed.length - tail);
  if (sameBytes(base, onto, 0, end, 0)) return Buffer.concat([onto.subarray(0, start), text, onto.subarray(end)]);
  const shift = onto.length - base.length;
  if (start + shift >= 0 && sameBytes(base, onto, start, base.length, shift)) {
    return Buffer.concat([onto.subarray(0, start + shift), text, onto.subarray(end + shift)]);
  }
  return null;
}

/** Whether `a[from, to)` equals `b[from + shift, to + shift)`. */
function sameBytes(a: Uint8Array, b: Uint8Array, from: number, to: number, shift: number): boolean {
  if (to + shift > b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset + from, to - from).equals(Buffer.from(b.buffer, b.byteOffset + from + shift, to - from));
}
