import type { LineIndex } from './lines.js';
import type { Problem } from './types.js';

/**
 * How deep block quotes and list items may nest. cmark-gfm has no limit; micromark's cost grows
 * with depth times lines and its tree builders recurse, so past this a document is not read.
 * markdown-it stops at the same depth by default (`maxNesting: 100`).
 */
export const MAX_DEPTH = 100;

/**
 * How much container work a document may ask for: the open block quotes and list items summed
 * over its non-blank lines. micromark spends about 35 µs and 3 KB on each container it continues
 * on a line (against about 4 µs and 65 bytes per character of flat text), so this bounds what
 * nesting adds to about 4 s and 300 MB. Real runbooks use under 0.06 per character: the
 * benchmarks' 5 MB runbook asks for 59 000.
 */
export const CONTAINER_BUDGET = 100_000;

/** The rule id of the problem that stops a document from being read. */
export const NESTING_RULE = 'nesting-limit';

const QUOTE = -1;

/**
 * Follows block quotes and list items line by line, as CommonMark opens and continues them
 * (spec sections 5.1 to 5.3, fences and indented code included, lazy lines kept), in time linear
 * in `text[start, end)`. Returns the problem that stops the document from being parsed — a line
 * nested deeper than `MAX_DEPTH`, or more container work than the budget — or null. Where it is
 * unsure it counts a container rather than not, so that no input can slip past it.
 */
export function nestingProblem(text: string, start: number, end: number, lines: LineIndex, stats: { work: number } = { work: 0 }): Problem | null {
  const stack: number[] = [];
  let fence: { depth: number; char: number; length: number } | null = null;
  let paragraph = false;
  let work = 0;
  const budget = CONTAINER_BUDGET;
  const first = lines.line(start);
  const last = lines.line(Math.max(start, end - 1));
  for (let line = first; line <= last; line++) {
    const lineStart = Math.max(lines.lineStart(line), start);
    const lineEnd = Math.min(lines.lineEnd(line), end);
    const blank = isBlank(text, lineStart, lineEnd);
    let pos = lineStart;
    let matched = 0;
    // Continue the open containers.
    while (matched < stack.length) {
      const want = stack[matched]!;
      if (want === QUOTE) {
        const at = skipSpaces(text, pos, lineEnd, 3);
        if (text.charCodeAt(at) !== 62 /* > */ || at >= lineEnd) break;
        pos = at + 1;
        if (text.charCodeAt(pos) === 32 || text.charCodeAt(pos) === 9) pos++;
      } else if (!blank) {
        const at = skipSpaces(text, pos, lineEnd, want);
        if (at - pos < want) break;
        pos = at;
      }
      matched++;
    }
    if (fence) {
      if (matched >= fence.depth) {
        if (closesFence(text, pos, lineEnd, fence)) fence = null;
        if (!blank) work += stack.length;
        continue;
      }
      fence = null;
    }
    let tail: Tail | null = null;
    // Open new ones: `>`, or a list marker followed by a space, a tab or the line's end. A list
    // item's lines continue when indented by its marker's width and spacing (spec section 5.2).
    let opened = 0;
    const before = stack.length;
    for (;;) {
      const from = pos;
      const at = skipSpaces(text, pos, lineEnd, 3);
      const c = text.charCodeAt(at);
      if (at >= lineEnd) break;
      if (c === 62) {
        stack.push(QUOTE);
        pos = at + 1;
        if (text.charCodeAt(pos) === 32 || text.charCodeAt(pos) === 9) pos++;
      } else {
        const markerEnd = listMarkerEnd(text, at, lineEnd);
        if (markerEnd === -1) break;
        tail ??= breakTail(text, lineStart, lineEnd);
        if (isThematicFrom(tail, at, c)) break; // `- - -` is a thematic break, not three items
        const after = skipSpaces(text, markerEnd, lineEnd, 5);
        pos = after >= lineEnd || after - markerEnd > 4 ? markerEnd + 1 : after;
        stack.push(pos - from);
      }
      opened++;
      if (matched + opened > MAX_DEPTH) {
        return {
          line,
          column: at - lines.lineStart(line) + 1,
          message: `block quotes and list items nest more than ${MAX_DEPTH} deep here; runbook reads no document nested this deep (flatten it)`,
          ruleId: NESTING_RULE,
          severity: 'error',
        };
      }
    }
    // The new containers were pushed after every open one; unmatched ones close unless the
    // line is a lazy continuation of a paragraph (spec section 5.1, "laziness").
    const lazy = opened === 0 && paragraph && !blank && matched < before && !interrupts(text, pos, lineEnd);
    if (!lazy && matched < before) stack.splice(matched, before - matched);
    if (!blank) work += stack.length;
    stats.work = work;
    if (work > budget) {
      return {
        line,
        column: 1,
        message: `block quotes and list items are continued on too many lines: by this line their levels add up to more than ${budget} (one per level per line); runbook reads no document this nested (flatten it)`,
        ruleId: NESTING_RULE,
        severity: 'error',
      };
    }
    // What the line leaves open: a fence, a paragraph (for lazy lines), or nothing.
    const content = skipSpaces(text, pos, lineEnd, 3);
    const fenceChar = text.charCodeAt(content);
    if (blank) paragraph = false;
    else if ((fenceChar === 96 || fenceChar === 126) && run(text, content, lineEnd, fenceChar) >= 3 && content - pos <= 3) {
      fence = { depth: stack.length, char: fenceChar, length: run(text, content, lineEnd, fenceChar) };
      paragraph = false;
    } else if (!paragraph && skipSpaces(text, pos, lineEnd, 4) - pos >= 4) paragraph = false;
    else paragraph = !interrupts(text, pos, lineEnd);
  }
  return null;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** The offset after up to `max` columns of spaces (a tab counts as 4, enough here). */
function skipSpaces(text: string, from: number, to: number, max: number): number {
  let cols = 0;
  let i = from;
  while (i < to && cols < max) {
    const c = text.charCodeAt(i);
    if (c === 32) cols++;
    else if (c === 9) cols += 4;
    else break;
    i++;
  }
  return i;
}

/** The end of a list marker at `at` (`-`, `+`, `*`, or up to 9 digits and `.` or `)`), or -1. */
function listMarkerEnd(text: string, at: number, to: number): number {
  const c = text.charCodeAt(at);
  let end = -1;
  if (c === 45 || c === 43 || c === 42) end = at + 1;
  else {
    let i = at;
    while (i < to && i - at < 9 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    const d = text.charCodeAt(i);
    if (i > at && (d === 46 || d === 41)) end = i + 1;
  }
  if (end === -1) return -1;
  const next = text.charCodeAt(end);
  return end >= to || next === 32 || next === 9 ? end : -1;
}

/** The offset from which the rest of the line holds only `-`, `*`, `_`, spaces and tabs. */
function thematicFrom(text: string, from: number, to: number): number {
  let i = to;
  while (i > from) {
    const c = text.charCodeAt(i - 1);
    if (c !== 45 && c !== 42 && c !== 95 && c !== 32 && c !== 9) break;
    i--;
  }
  return i;
}

/** Where the line's last `-`, `*` and `_` are, and the third-last `-` and `*`, over its tail of those signs and blanks. */
interface Tail {
  from: number;
  last: Record<number, number>;
  third: Record<number, number>;
}

function breakTail(text: string, from: number, to: number): Tail {
  const start = thematicFrom(text, from, to);
  const last: Record<number, number> = { 45: -1, 42: -1, 95: -1 };
  const third: Record<number, number> = { 45: -1, 42: -1 };
  const seen: Record<number, number> = { 45: 0, 42: 0, 95: 0 };
  for (let i = to - 1; i >= start; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) continue;
    if (last[c] === -1) last[c] = i;
    if (++seen[c]! === 3 && c !== 95) third[c] = i;
  }
  return { from: start, last, third };
}

/** Whether the line from `at` on is a thematic break made of `c`: only `c` and blanks, three at least. */
function isThematicFrom(tail: Tail, at: number, c: number): boolean {
  if (c !== 45 && c !== 42) return false;
  if (at < tail.from) return false;
  for (const other of [45, 42, 95]) if (other !== c && tail.last[other]! >= at) return false;
  return tail.third[c]! >= at;
}

function run(text: string, from: number, to: number, char: number): number {
  let i = from;
  while (i < to && text.charCodeAt(i) === char) i++;
  return i - from;
}

function closesFence(text: string, from: number, to: number, fence: { char: number; length: number }): boolean {
  const at = skipSpaces(text, from, to, 3);
  const length = run(text, at, to, fence.char);
  return length >= fence.length && isBlank(text, at + length, to);
}

/** Whether the line's content starts a block that ends a paragraph: a heading, a fence, a rule. */
function interrupts(text: string, from: number, to: number): boolean {
  const at = skipSpaces(text, from, to, 3);
  const c = text.charCodeAt(at);
  if (c === 35) return /^#{1,6}(?:[ \t]|$)/.test(text.slice(at, Math.min(to, at + 8)));
  if (c === 96 || c === 126) return run(text, at, to, c) >= 3;
  return thematicFrom(text, at, to) === at && /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/.test(text.slice(at, to));
}
