import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import type { Code, Root, RootContent } from 'mdast';
import { autolinkLiteralsWhereAny } from './autolinks.js';
import { foreignDefinitions } from './definitions.js';
import { InlineBudget, inlineBudget, withBudget, type InlineLimit } from './inline.js';

const processor = unified().use(remarkParse).use(remarkGfm).use(autolinkLiteralsWhereAny).use(inlineBudget);

/** A piece of the document parsed on its own; its mdast offsets are relative to `start`. */
export interface Chunk {
  start: number;
  end: number;
  tree: Root;
  /** Where the inline budget ran out in this piece (see parser/inline.ts). */
  limits: InlineLimit[];
}

/** A column-0 ATX heading line: `#` to `######` then a space, tab or line end. */
const HEADING = /^#{1,6}(?:[ \t]|$)/gm;
/** A column-0 line that starts with a fence's marks: what may open or close a fenced code block. */
const FENCE = /^(`{3,}|~{3,})([^\r\n]*)/gm;

/**
 * Parses `text[start, end)` as a sequence of independently parsed chunks.
 *
 * An ATX heading at column 0 closes every open container (CommonMark 0.29 sections 4.2 and 5):
 * it cannot continue a paragraph, a list item or a block quote, so the text from it onwards
 * parses the same on its own. Only an open top-level fenced code block or HTML block can swallow
 * it; when a chunk ends in one, it is parsed again together with the next. Parsing in pieces
 * keeps the cost linear where micromark's is not, and frees each piece's tree as soon as it is read.
 */
export function* parseChunks(text: string, start: number, end: number): Generator<Chunk> {
  const cuts = mergeSorted(headingCuts(text, start, end), fenceCuts(text, start, end));
  const budget = new InlineBudget();
  let from = start;
  let next = 0;
  while (from < end) {
    let to = cuts[next] ?? end;
    next++;
    for (;;) {
      const before = budget.mark();
      const tree = parsePiece(text, from, to, budget);
      if (to >= end || !swallowsNext(tree, text, from, to)) {
        yield { start: from, end: to, tree, limits: budget.limits.slice(before.limits) };
        break;
      }
      budget.reset(before);
      to = cuts[next] ?? end;
      next++;
    }
    from = to;
  }
}

/**
 * Parses `text[from, to)` with the link definitions it references from elsewhere appended after
 * a blank line; they are dropped from the tree. When what the piece ends in (an open fence or
 * HTML block) swallows them, the piece is parsed again alone.
 */
function parsePiece(text: string, from: number, to: number, budget: InlineBudget): Root {
  const own = piece(text, from, to);
  const definitions = foreignDefinitions(text, from, to);
  const parse = (source: string) => {
    budget.piece(source, from);
    return withBudget(budget, () => processor.parse(source) as Root);
  };
  if (!definitions) return parse(own);
  const before = budget.mark();
  const tree = parse(`${own}\n\n${definitions}\n`);
  const kept = tree.children.filter((node) => (node.position?.start.offset ?? 0) < own.length);
  const last = kept[kept.length - 1];
  if (last && (last.position?.end.offset ?? 0) > own.length) {
    budget.reset(before);
    return parse(own);
  }
  tree.children = kept;
  return tree;
}

/**
 * `text[from, to)` as micromark must see it. micromark drops a byte order mark at the start of
 * what it is given; cmark-gfm drops only the file's first and reads a second one as text (line 1
 * becomes a paragraph). A zero-width space, also text and also one code unit, keeps both the
 * reading and the offsets.
 */
function piece(text: string, from: number, to: number): string {
  const slice = text.slice(from, to);
  return slice.charCodeAt(0) === 0xfeff ? `\u200b${slice.slice(1)}` : slice;
}

function headingCuts(text: string, start: number, end: number): number[] {
  const cuts: number[] = [];
  HEADING.lastIndex = start;
  let match: RegExpExecArray | null;
  while ((match = HEADING.exec(text)) && match.index < end) {
    const at = match.index;
    if (at > start) {
      const prev = text.charCodeAt(at - 1);
      // `m` also matches after a lone CR only when the engine treats it as a line break; check.
      if (prev === 10 || prev === 13) cuts.push(at);
    }
    if (HEADING.lastIndex === at) HEADING.lastIndex++;
  }
  return cuts;
}

/**
 * The openings of fenced code blocks at column 0, which cut the text as a heading does: a fence
 * interrupts a paragraph (so its line is never a lazy continuation), and at column 0 it continues
 * no list item or block quote, so it closes every open container; only an open fenced code block
 * or HTML block can swallow it, as a heading. A document of many blocks under one heading is then
 * parsed a block at a time, not as one piece whose events all live until its tree is built. The
 * fence that closes a block opened at column 0 is no cut; one opened deeper is not followed, and
 * a cut it makes wrong is only parsed again with the next (see `swallowsNext`). Nor is a fence
 * right under the end of an HTML comment: the comment may hold the block's options, read from the
 * node before the block in the same piece.
 */
function fenceCuts(text: string, start: number, end: number): number[] {
  const cuts: number[] = [];
  let open: string | null = null;
  FENCE.lastIndex = start;
  let match: RegExpExecArray | null;
  while ((match = FENCE.exec(text)) && match.index < end) {
    const at = match.index;
    const prev = text.charCodeAt(at - 1);
    if (at !== start && prev !== 10 && prev !== 13) continue;
    const marks = match[1]!;
    const rest = match[2]!;
    if (open !== null) {
      if (marks[0] === open[0] && marks.length >= open.length && /^[ \t]*$/.test(rest)) open = null;
    } else if (marks[0] === '~' || !rest.includes('`')) {
      // A backtick fence whose info string holds a backtick opens nothing: it is a paragraph line.
      if (at > start && !underComment(text, at)) cuts.push(at);
      open = marks;
    }
  }
  return cuts;
}

/** True when one of the two lines above the line at `at` ends an HTML comment. */
function underComment(text: string, at: number): boolean {
  const above = text.slice(Math.max(0, at - 400), at).split(/\r\n|\r|\n/);
  // The last element is the empty rest of the line before `at`'s line break.
  return above.slice(-3, -1).some((line) => line.trimEnd().endsWith('-->'));
}

/** The union of two sorted lists of offsets, sorted. */
function mergeSorted(a: number[], b: number[]): number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (out[out.length - 1] !== next) out.push(next);
  }
  return out;
}

/** True when the chunk ends inside a block that would continue into the next line. */
export function swallowsNext(tree: Root, text: string, from: number, to: number): boolean {
  const last: RootContent | undefined = tree.children[tree.children.length - 1];
  if (!last || !last.position) return false;
  const lastEnd = from + (last.position.end.offset ?? 0);
  if (last.type === 'html') {
    if (/\S/.test(text.slice(lastEnd, to)) || /\n[ \t]*\r?\n|\r[ \t]*\r/.test(text.slice(lastEnd, to))) return false;
    const value = last.value.trim();
    if (/^<!--/.test(value) && /-->$/.test(value)) return false;
    return true;
  }
  if (last.type === 'code') {
    const startOffset = from + (last.position.start.offset ?? 0);
    const fence = fenceOf(last, text, startOffset);
    return fence !== null && !hasClosingFence(text, startOffset, lastEnd, fence);
  }
  return false;
}

/**
 * The opening fence of a code node starting at `start`, or null for indented code. micromark
 * starts a fenced block at its fence; an indented block starts at its indentation, except that a
 * tab may be swallowed whole, and then only the content tells: indented code keeps the opening
 * line in its value, a fenced block never does.
 */
export function fenceOf(node: Code, text: string, start: number): string | null {
  const open = /^(`{3,}|~{3,})/.exec(text.slice(start, start + 200));
  if (!open) return null;
  if (node.lang == null) {
    const eol = text.slice(start).search(/\r|\n/);
    const opening = eol === -1 ? text.slice(start) : text.slice(start, start + eol);
    if (node.value.split(/\r\n|\r|\n/, 1)[0] === opening) return null;
  }
  return open[1]!;
}

/** True when the code block spanning `[start, end)` ends with a fence that closes `fence`. */
export function hasClosingFence(text: string, start: number, end: number, fence: string): boolean {
  const slice = text.slice(start, end);
  const lastBreak = Math.max(slice.lastIndexOf('\n'), slice.lastIndexOf('\r'));
  if (lastBreak === -1) return false;
  const lastLine = slice.slice(lastBreak + 1);
  const close = /(`{3,}|~{3,})[ \t]*$/.exec(lastLine);
  if (!close) return false;
  const marks = close[1]!;
  if (marks[0] !== fence[0] || marks.length < fence.length) return false;
  // The fence characters must be the first thing on the line after container prefixes.
  return /^[ \t>]*$/.test(lastLine.slice(0, close.index));
}

/**
 * The code spans of a table cell's content read on its own, as GFM reads a cell once its row is
 * split: every `\\|` already a plain pipe. (For a row micromark splits elsewhere than GitHub.)
 */
export function cellCodeSpans(content: string): string[] {
  const out: string[] = [];
  const walk = (node: RootContent | Root): void => {
    if (node.type === 'inlineCode') out.push(node.value);
    else if ('children' in node) for (const child of node.children) walk(child);
  };
  walk(processor.parse(content.replace(/\\\|/g, '|')));
  return out;
}
