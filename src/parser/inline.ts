import type { Data, Processor } from 'unified';
import type { LineIndex } from './lines.js';
import type { Problem } from './types.js';

/**
 * How many inline markers (`*` `_` `~` `[` `]` `!` `` ` `` `<` `\` `&`) one paragraph, heading or
 * table cell may hold before the rest of it is read as plain text. micromark matches emphasis and
 * link brackets by walking back over every earlier marker of the paragraph, so its time grows with
 * the square of their number: 10 000 `*a` take seconds, 40 000 minutes. cmark-gfm has no such
 * limit (it keeps its own stacks linear); real paragraphs hold a few dozen.
 */
export const PARAGRAPH_MARKERS = 1_000;

/**
 * How many inline markers one parse may read in all; past it the rest of the document is read as
 * plain text. Bounds the time inline markup can cost a document to a few seconds, whatever its
 * size; the benchmarks' 5 MB runbook stays under it.
 */
export const DOCUMENT_MARKERS = 300_000;

/**
 * How far a code span may reach, and how far one paragraph's code spans may reach in all: micromark
 * looks ahead for the closing backtick run, so runs that never close cost the paragraph's length
 * each. A longer code span is read as text (cmark-gfm reads any); real ones are a line or two.
 */
export const CODE_SPAN_REACH = 10_000;
export const PARAGRAPH_REACH = 100_000;

/**
 * Struck-through text as GFM reads it: one or two tildes (three open a fence) around text on one
 * line that neither starts nor ends with a space, closed by as many tildes as opened it.
 */
const STRUCK = String.raw`(~~?)(?!~)(?!\s)[^\n]*?(?<![\s~])\1(?!~)`;
const STRUCK_START = new RegExp(`^${STRUCK}`);
const STRUCK_WHOLE = new RegExp(`^${STRUCK}$`);
const STRUCK_ANY = new RegExp(`(?<!~)${STRUCK}`, 'g');

/** Whether `text` starts with struck-through text (`~~done~~ but…`). */
export function startsStruck(text: string): boolean {
  return STRUCK_START.test(text);
}

/** Whether `text` is struck through from its first character to its last (`~~n/a~~`). */
export function isStruck(text: string): boolean {
  return STRUCK_WHOLE.test(text);
}

/** Where `text` is struck through, as [start, end) offsets. */
export function struckSpans(text: string): (readonly [number, number])[] {
  return [...text.matchAll(STRUCK_ANY)].map((m) => [m.index!, m.index! + m[0].length] as const);
}

/** The rule id of the warning that says where inline markup stopped being read. */
export const INLINE_RULE = 'inline-limit';

type Extension = NonNullable<Data['micromarkExtensions']>[number];
type Construct = Extract<NonNullable<NonNullable<Extension['text']>[number]>, { tokenize: unknown }>;
type Tokenizer = Construct['tokenize'];
type Context = ThisParameterType<Tokenizer>;
type State = NonNullable<ReturnType<Tokenizer>>;
type Next = ReturnType<State>;
type Code = Parameters<State>[0];

const MARKERS = [42, 95, 126, 91, 93, 33, 96, 60, 92, 38];
const GRAVE = 96;

/** Where inline markup stopped being read: an offset into the document, and why. */
export interface InlineLimit {
  offset: number;
  scope: 'paragraph' | 'document';
}

interface Spent {
  count: number;
  last: number;
  over: boolean;
  reach: number;
}

/** What one `parseChunks` call has spent, and the piece micromark is reading now. */
export class InlineBudget {
  total = 0;
  readonly limits: InlineLimit[] = [];
  private spent = new WeakMap<object, Spent>();
  private source = '';
  private base = 0;
  private runs: Map<number, number[]> | null = null;
  private ends: number[] = [];

  /** Starts reading `source`, which begins at offset `base` of the document. */
  piece(source: string, base: number): void {
    this.source = source;
    this.base = base;
    this.runs = null;
    this.spent = new WeakMap();
  }

  /** What has been spent so far, to go back to when a piece is read again. */
  mark(): { total: number; limits: number } {
    return { total: this.total, limits: this.limits.length };
  }

  reset(to: { total: number; limits: number }): void {
    this.total = to.total;
    this.limits.length = to.limits;
  }

  /** Counts the marker at `at` for the paragraph `context` reads; true when it must be read as text. */
  spend(context: object, at: number): boolean {
    let spent = this.spent.get(context);
    if (!spent) this.spent.set(context, (spent = { count: 0, last: -1, over: false, reach: 0 }));
    // micromark may read a stretch again after a construct fails: count each marker once.
    if (at <= spent.last || spent.over) return spent.over;
    spent.last = at;
    spent.count++;
    this.total++;
    if (spent.count > PARAGRAPH_MARKERS) this.limits.push({ offset: this.base + at, scope: 'paragraph' });
    else if (this.total > DOCUMENT_MARKERS) {
      if (this.total === DOCUMENT_MARKERS + 1) this.limits.push({ offset: this.base + at, scope: 'document' });
    } else return false;
    spent.over = true;
    return true;
  }

  /**
   * Whether the backtick run at `at` may open a code span: a later run of its length may close
   * it in its paragraph, within the reach allowed. micromark looks for the closing run up to the
   * paragraph's end, so runs that never close would cost the paragraph's length each; a run that
   * nothing can close is text, as micromark would find. A paragraph surely ends at a blank line
   * and at a list item, heading, fence or underline.
   */
  mayOpen(context: object, at: number): boolean {
    if (!this.runs) this.index();
    let length = 0;
    while (this.source.charCodeAt(at + length) === GRAVE) length++;
    const next = firstAfter(this.runs!.get(length) ?? [], at + length);
    if (next === undefined || next >= (firstAfter(this.ends, at + 1) ?? Infinity)) return false;
    const spent = this.spent.get(context)!;
    if (next - at > CODE_SPAN_REACH || spent.reach + next - at > PARAGRAPH_REACH) return false;
    spent.reach += next - at;
    return true;
  }

  private index(): void {
    const runs = new Map<number, number[]>();
    const text = this.source;
    for (let i = text.indexOf('`'); i !== -1; i = text.indexOf('`', i)) {
      const start = i;
      while (text.charCodeAt(i) === GRAVE) i++;
      if (start > 0 && text.charCodeAt(start - 1) === GRAVE) continue;
      const list = runs.get(i - start) ?? [];
      list.push(start);
      runs.set(i - start, list);
    }
    this.runs = runs;
    // A heading is one line: the line after it ends whatever its text opened.
    const headings = [...text.matchAll(/^[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)*#{1,6}(?:[ \t][^\r\n]*)?(?:\r\n|\r|\n)/gm)].map((m) => m.index + m[0].length);
    this.ends = [...text.matchAll(/^[ \t>]*(?:$|(?:[-+*]|\d{1,9}[.)])[ \t]+\S|#{1,6}(?:[ \t]|$)|```[^`\r\n]*$|~~~|[-=]+[ \t]*$|\*[ \t]*\*[ \t]*\*)/gm)].map((m) => m.index).concat(headings).sort((a, b) => a - b);
  }
}

/** The warning that says where inline markup stopped being read; the document is still read whole. */
export function inlineProblem(limit: InlineLimit, lines: LineIndex): Problem {
  const line = lines.line(limit.offset);
  const message =
    limit.scope === 'paragraph'
      ? `this paragraph holds more than ${PARAGRAPH_MARKERS} inline markers (* _ ~ [ ] ! \` < \\ &); runbook reads the rest of it as plain text, where GitHub still renders emphasis, links and code`
      : `the document holds more than ${DOCUMENT_MARKERS} inline markers (* _ ~ [ ] ! \` < \\ &); runbook reads inline markup from here on as plain text, where GitHub still renders it`;
  return { line, column: limit.offset - lines.lineStart(line) + 1, message, ruleId: INLINE_RULE, severity: 'warning' };
}

/** The first value in the ascending `list` at or after `at`. */
function firstAfter(list: number[], at: number): number | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return list[lo];
}

let active: InlineBudget | null = null;

/** Runs `parse` with `budget` counting the inline markers micromark reads. */
export function withBudget<T>(budget: InlineBudget, parse: () => T): T {
  const before = active;
  active = budget;
  try {
    return parse();
  } finally {
    active = before;
  }
}

/**
 * A construct tried before every other at each marker: while the budget lasts it steps aside
 * (and takes a backtick run that cannot close as text); past it, it takes the rest of the line as
 * text, so no other construct sees it.
 */
const literal: Construct = {
  name: 'inlineLimit',
  tokenize(this: Context, effects, ok, nok) {
    const budget = active;
    const offset = this.now().offset;
    const context: object = this;
    const self = this;
    return start;

    function start(code: Code): Next {
      // A paragraph's first `[` may open a task's checkbox (GFM): that one is always read.
      if (!budget || (code === 91 && self.previous === null)) return nok(code);
      if (budget.spend(context, offset)) {
        effects.enter('data');
        effects.consume(code);
        return line;
      }
      if (code !== GRAVE || budget.mayOpen(context, offset)) return nok(code);
      effects.enter('data');
      effects.consume(code);
      return run;
    }

    function line(code: Code): Next {
      if (code === null || code < -2) {
        effects.exit('data');
        return ok(code);
      }
      effects.consume(code);
      return line;
    }

    function run(code: Code): Next {
      if (code === GRAVE) {
        effects.consume(code);
        return run;
      }
      effects.exit('data');
      return ok(code);
    }
  },
};

/**
 * At a backtick, tried only where micromark's code span may start: not inside a run, unless what
 * came before was an escape (micromark asks its constructs' `previous` whether to look at all).
 */
const literalAtGrave: Construct = {
  ...literal,
  previous(this: Context, code: Code) {
    return code !== GRAVE || this.events[this.events.length - 1]![1].type === 'characterEscape';
  },
};

/** The remark plugin that puts the budget in front of micromark's inline constructs. */
export function inlineBudget(this: Processor): undefined {
  const data = this.data();
  (data.micromarkExtensions ??= []).push({ text: Object.fromEntries(MARKERS.map((code) => [code, code === GRAVE ? literalAtGrave : literal])) });
}
