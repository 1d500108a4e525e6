/** How much of a block's last output is kept for its outcome (a failure's detail, its reason). */
const TAIL = 4096;

/**
 * The last `TAIL` characters of `tail` followed by `text`. A chunk longer than that replaces the
 * tail outright: joining first would copy the whole chunk (64 KB from a pipe) only to keep its end.
 */
export function keepTail(tail: string, text: string): string {
  return text.length >= TAIL ? text.slice(-TAIL) : (tail + text).slice(-TAIL);
}
