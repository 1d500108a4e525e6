import { isStruck } from './inline.js';
import type { Cell, CellKind, CheckboxFamily, CheckboxState, Span } from './types.js';

const CHECKBOXES: Record<string, { state: CheckboxState; family: CheckboxFamily }> = {
  '[ ]': { state: 'unchecked', family: 'brackets' },
  '[x]': { state: 'checked', family: 'brackets' },
  '[X]': { state: 'checked', family: 'brackets' },
  '☐': { state: 'unchecked', family: 'ballot' },
  '☑': { state: 'checked', family: 'ballot' },
  '□': { state: 'unchecked', family: 'ballot' },
  '☒': { state: 'checked', family: 'ballot' },
  '■': { state: 'checked', family: 'ballot' },
  '✓': { state: 'checked', family: 'ballot' },
  '☑️': { state: 'checked', family: 'ballot' },
  '⬜': { state: 'unchecked', family: 'square' },
  '⬜️': { state: 'unchecked', family: 'square' },
  '✅': { state: 'checked', family: 'square' },
  '❌': { state: 'failed', family: 'square' },
  // The same signs followed by the emoji variation selector (U+FE0F), as emoji pickers type them.
  '☐️': { state: 'unchecked', family: 'ballot' },
  '✅️': { state: 'checked', family: 'square' },
  '❌️': { state: 'failed', family: 'square' },
};

/** Words that stand for "fill me in" in a template cell. */
export const PLACEHOLDERS = ['TBD', 'TODO', 'TBC', '?', '…', '...', '_TBD_', '*TBD*'];

/** Words that mean "does not apply": an answer, not a gap. */
export const NOT_APPLICABLE = ['N/A', 'n/a', 'NA', '—', '–', '-', 'n.a.'];

/** The checkbox a cell's whole content spells, if any. */
export function checkboxOf(text: string): { state: CheckboxState; family: CheckboxFamily } | null {
  return CHECKBOXES[text] ?? null;
}

/** A cell that renders empty: nothing, or only spaces written as entities (`&nbsp;`). */
const BLANK = /^(?:\s|\u00a0|&nbsp;|&#160;|&#x0*a0;|&ensp;|&emsp;|&thinsp;)*$/i;

/** A cell's text without the emphasis around all of it: `**TBD**`, `_TODO_` are placeholders too. */
function unemphasized(text: string): string {
  let bare = text;
  for (let m = /^([*_]{1,3})(.+)\1$/.exec(bare); m; m = /^([*_]{1,3})(.+)\1$/.exec(bare)) bare = m[2]!.trim();
  return bare;
}

/**
 * Question marks standing for a value still unknown, alone or before a unit: `??`, `?mins`,
 * `? s`, `?%` — as templates write "fill in the minutes".
 */
const UNKNOWN_VALUE = /^\?+[ \t]*(?:%|(?:ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\.?)?$/i;

/** Classifies a cell's trimmed, unescaped content. */
export function classifyCell(text: string): CellKind {
  if (checkboxOf(text)) return 'checkbox';
  const bare = unemphasized(text);
  if (BLANK.test(text) || PLACEHOLDERS.includes(bare) || PLACEHOLDERS.includes(bare.toUpperCase()) || UNKNOWN_VALUE.test(bare)) {
    return 'fillable';
  }
  if (NOT_APPLICABLE.includes(text) || isStruck(text)) return 'na';
  return 'text';
}

/**
 * Splits one table row, as written, into cells. GFM splits on every pipe not escaped with a
 * backslash, even inside code spans (GFM spec 0.29, section 4.10, example 200).
 */
export function splitRow(text: string, start: number, end: number): Cell[] {
  const pipes: number[] = [];
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    // As GitHub splits a row: a pipe right after a backslash is the cell's, even when that
    // backslash follows another (`\\|` is a backslash and a pipe in one cell, not a cell's end).
    if (c === 92 /* \ */ && text.charCodeAt(i + 1) === 124) i++;
    else if (c === 124 /* | */) pipes.push(i);
  }
  let from = start;
  while (from < end && isSpace(text.charCodeAt(from))) from++;
  let to = end;
  while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
  const bounds: Span[] = [];
  let cellStart = from;
  if (pipes[0] === from) {
    pipes.shift();
    cellStart = from + 1;
  }
  let lastEnd = to;
  if (pipes.length && pipes[pipes.length - 1] === to - 1) {
    pipes.pop();
    lastEnd = to - 1;
  }
  for (const pipe of pipes) {
    bounds.push({ start: cellStart, end: pipe });
    cellStart = pipe + 1;
  }
  bounds.push({ start: cellStart, end: lastEnd });
  return bounds.map((outer) => makeCell(text, outer));
}

function makeCell(text: string, outer: Span): Cell {
  let start = outer.start;
  let end = outer.end;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (start === end) {
    // An empty cell: content would go after one space of padding, when there is one.
    const at = outer.end > outer.start && isSpace(text.charCodeAt(outer.start)) ? outer.start + 1 : outer.start;
    start = end = at;
  }
  const raw = text.slice(start, end);
  const unescaped = raw.replace(/\\\|/g, '|');
  const box = checkboxOf(unescaped);
  return {
    text: unescaped,
    raw,
    kind: classifyCell(unescaped),
    checkbox: box?.state ?? null,
    family: box?.family ?? null,
    span: { start, end },
    outer,
    missing: false,
    code: [],
  };
}

/** A cell implied by GFM when a row is shorter than the header; it has no text in the file. */
export function missingCell(at: number): Cell {
  return {
    text: '',
    raw: '',
    kind: 'fillable',
    checkbox: null,
    family: null,
    span: { start: at, end: at },
    outer: { start: at, end: at },
    missing: true,
    code: [],
  };
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}
