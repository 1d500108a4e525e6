import { LineIndex } from './lines.js';
import { lineIndexes } from './parse.js';
import { endsParagraph, readResultLine } from './results.js';
import type { Runbook, Span, TextLike } from './types.js';
import type { AppliedChange } from './update.js';

/**
 * Characters and words that could make a result line more than plain text to the parser: code
 * spans, links, autolinks and raw HTML can reach the lines after it in the same paragraph, a pipe
 * can make a table, and an autolink literal is a link in the model. A line without them is text
 * whatever surrounds it (emphasis only wraps what it spans, it never hides a link).
 */
const NOT_PLAIN = /[`[\]<\\|@\r\n]|www\.|:\/\/|\s$/i;
/** A line that is blank once container markers are taken away: it ends any paragraph before it. */
const BLANKISH = /^[ \t>]*$/;
const BOX = /^\[[ xX]\]$/;

/** What one change does to the model, decided before anything is touched. */
type Planned =
  | { kind: 'box'; change: AppliedChange; task: number }
  | { kind: 'result'; change: AppliedChange; block: number; insert: boolean; line: string; lineAt: number };

/**
 * The model of `text`, which is `old`'s text with `changes` applied, when every change is one the
 * model can take without parsing: a result line written under a block's closing fence or put in
 * place of the one there, and a task's box flipped. Null for anything else, so the caller parses.
 *
 * A result line is a one-line paragraph right after the fence, inside the fence's containers, and
 * followed by a line that is blank to those containers (the writer adds one when the next line is
 * not): the lines after it parse as they did after the fence. Being plain text, it adds nothing to
 * the model but the block's result; everything after it moves by the length and lines it adds.
 * Takes ownership of `old`, like `updateRunbook`.
 */
export function updateLocally(old: Runbook, text: TextLike, changes: AppliedChange[]): Runbook | null {
  const oldLines = lineIndexes.get(old);
  if (!oldLines) return null;
  if (!changes.length) return old;
  const sorted = [...changes].sort((a, b) => a.start - b.start);
  const plans: Planned[] = [];
  let previousEnd = -1;
  for (const change of sorted) {
    if (change.start < previousEnd) return null;
    previousEnd = change.oldEnd;
    const plan = planBox(old, change) ?? planResult(old, oldLines, change, sorted);
    if (!plan) return null;
    plans.push(plan);
  }
  const eolOf = (s: string) => s.match(/\r\n|\r|\n/g) ?? [];
  if (!sorted.every((c) => eolOf(c.text).every((e) => e === old.eol))) return null;

  // Where each change's old end was, in lines, before the index is updated.
  const edges = plans.map((p) => ({
    end: p.change.oldEnd,
    insert: p.change.start === p.change.oldEnd,
    delta: p.change.text.length - (p.change.oldEnd - p.change.start),
    line: oldLines.line(p.change.oldEnd),
    lineDelta: eolOf(p.change.text).length - eolOf(p.change.removed).length,
  }));
  /** An old offset in the new text; an offset at an insertion stays before it. */
  // Called for every span after the edit: plain loops, which allocate nothing.
  const at = (offset: number) => {
    let moved = offset;
    for (let k = 0; k < edges.length; k++) {
      const e = edges[k]!;
      if (e.end < offset || (e.end === offset && !e.insert)) moved += e.delta;
    }
    return moved;
  };
  const lineAt = (line: number) => {
    let moved = line;
    for (let k = 0; k < edges.length; k++) if (edges[k]!.line < line) moved += edges[k]!.lineDelta;
    return moved;
  };
  const move = (span: Span) => {
    span.start = at(span.start);
    span.end = at(span.end);
  };

  if (edges.reduce((sum, e) => sum + e.delta, 0) !== text.length - old.length) return null;

  // From here on `old` is being changed: no way back to the caller's re-parse of a piece.
  let lines = oldLines;
  let shift = 0;
  plans.forEach((p, k) => {
    const e = edges[k]!;
    if (e.delta === 0 && e.lineDelta === 0) return;
    lines = lines.updated(text, p.change.start + shift, e.end + shift, e.end + shift + e.delta);
    shift += e.delta;
  });

  const first = edges[0]!.end;
  // Everything after the edit is moved where it stands: a copy of each block per write would be
  // work (and garbage) in proportion to the document, for every result line written.
  const blocks = old.blocks.slice();
  for (let i = lastStartingBy(blocks, first) ?? 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    // A block's evidence line lies past its result line, which may be the one being written.
    if (block.evidence && block.evidence.lineSpan.end >= first) {
      move(block.evidence.span), move(block.evidence.lineSpan);
      block.evidence.line = lineAt(block.evidence.line);
      for (const entry of block.evidence.entries) entry.line = block.evidence.line;
    }
    if (block.span.end < first) continue;
    block.line = lineAt(block.line);
    move(block.span), move(block.infoSpan), move(block.bodySpan);
    if (block.closeSpan) move(block.closeSpan);
    if (block.result) move(block.result.span), move(block.result.lineSpan), (block.result.line = lineAt(block.result.line));
  }
  for (const task of old.tasks) {
    if (task.span.end < first) continue;
    const end = task.span.end;
    task.line = lineAt(task.line);
    move(task.span), move(task.checkboxSpan);
    // An item that ended with the fence now ends with the result line written inside it.
    for (const p of plans) {
      if (p.kind === 'result' && p.insert && task.span.start < p.change.start && end === p.change.start) task.span.end = at(end) + p.lineAt - p.change.start + p.line.length;
    }
  }
  for (const table of old.tables) {
    if (table.span.end < first) continue;
    table.line = lineAt(table.line);
    move(table.span);
    for (const row of [table.headerRow, ...table.rows]) {
      row.line = lineAt(row.line);
      move(row.span);
      for (const cell of row.cells) move(cell.span), move(cell.outer);
    }
  }
  for (const link of old.links) {
    if (link.span.end < first) continue;
    link.line = lineAt(link.line);
    move(link.span);
  }
  for (const span of old.unrendered) if (span.end >= first) move(span);
  for (const section of old.sections) {
    section.line = lineAt(section.line);
    move(section.span);
    // A section that ran to the end of the document still does.
    section.extent.end = section.extent.end === old.length ? text.length : at(section.extent.end);
    section.extent.start = section.span.start;
  }
  for (const problem of old.problems) problem.line = lineAt(problem.line);
  for (const ref of old.references) ref.line = lineAt(ref.line);
  for (const decl of old.declarations) if (decl.source === 'knob-table') decl.line = lineAt(decl.line);
  const scenarios = old.scenarios.map((scenario) => (lineAt(scenario.line) === scenario.line ? scenario : { ...scenario, line: lineAt(scenario.line) }));

  for (const p of plans) {
    if (p.kind === 'box') {
      old.tasks[p.task]!.checked = p.change.text !== '[ ]';
      continue;
    }
    // Read from the line itself: a field sliced from the document would keep that whole
    // version of the text alive, one per result line written in the session.
    const start = at(p.change.start) + p.lineAt - p.change.start;
    const line = lines.line(start);
    blocks[p.block] = {
      ...blocks[p.block]!,
      result: { ...readResultLine(p.line)!, span: { start, end: start + p.line.length }, lineSpan: { start: lines.lineStart(line), end: lines.lineEndWithEol(line) }, line },
    };
  }

  const model: Runbook = {
    ...old,
    finalNewline: text.charCodeAt(text.length - 1) === 10 || text.charCodeAt(text.length - 1) === 13,
    length: text.length,
    blocks,
    scenarios,
    chunkStarts: old.chunkStarts.map(at),
  };
  lineIndexes.set(model, lines);
  return model;
}

/**
 * A task's box flipped (`[ ]` ↔ `[x]`), outside every heading. A glyph box is parsed again: its
 * sign can change how the other boxes of its list or block pair their signs.
 */
function planBox(old: Runbook, change: AppliedChange): Planned | null {
  if (!BOX.test(change.text) || !BOX.test(change.removed)) return null;
  const task = old.tasks.find((t) => t.checkboxSpan.start === change.start && t.checkboxSpan.end === change.oldEnd);
  if (!task || task.kind !== 'task') return null;
  // A box can be part of a heading's text (a setext heading inside a task item).
  if (old.sections.some((s) => s.span.start < change.oldEnd && change.start < s.span.end)) return null;
  return { kind: 'box', change, task: task.index };
}

/** A result line put in place of a block's result line, or written right after its closing fence. */
function planResult(old: Runbook, lines: LineIndex, change: AppliedChange, all: AppliedChange[]): Planned | null {
  const { start, oldEnd, text: inserted } = change;
  // The block whose closing fence or result line holds `start`: the last one starting before it.
  const blockIndex = lastStartingBy(old.blocks, start);
  if (blockIndex === null) return null;
  const block = old.blocks[blockIndex]!;
  const source = lines.text;
  if (block.result && block.result.span.start === start && block.result.span.end === oldEnd) {
    if (!plainResult(inserted) || !plainResult(change.removed)) return null;
    return { kind: 'result', change, block: blockIndex, insert: false, line: inserted, lineAt: start };
  }
  if (block.result || !block.closeSpan || block.closeSpan.end !== start || oldEnd !== start) return null;
  const eol = /^(\r\n|\r|\n)/.exec(inserted)?.[1];
  if (!eol || !inserted.startsWith(block.prefix, eol.length)) return null;
  const rest = inserted.slice(eol.length + block.prefix.length);
  const lineEnd = rest.search(/\r|\n/);
  const line = lineEnd === -1 ? rest : rest.slice(0, lineEnd);
  if (!plainResult(line)) return null;
  const separator = lineEnd === -1 ? null : rest.slice(lineEnd);
  // The line after the fence, and whether it is blank to the fence's containers (read up to the
  // end of that line: the rest of the document is not needed).
  const after = source.slice(start, lines.lineEndWithEol(lines.line(start) + 1));
  if (after !== '' && !/^[\r\n]/.test(after)) return null;
  const next = /^(?:\r\n|\r|\n)?([^\r\n]*)/.exec(after)![1]!;
  if (separator === null) {
    // Written alone: the next line is blank, or starts a block that ends the paragraph anyway.
    if (after !== '' && !BLANKISH.test(next) && !endsParagraph(next, block.prefix)) return null;
  } else {
    if (after === '' || BLANKISH.test(next) || separator !== `${eol}${block.prefix.trimEnd()}`) return null;
    // A lone CR before a line feed would become one line ending.
    if (separator.endsWith('\r') && after.startsWith('\n')) return null;
  }
  if (all.some((c) => c !== change && c.start <= start + 1 && c.oldEnd >= start)) return null;
  return { kind: 'result', change, block: blockIndex, insert: true, line, lineAt: start + eol.length + block.prefix.length };
}

/** A line the parser reads as a result line and as nothing more (see NOT_PLAIN). */
function plainResult(line: string): boolean {
  return !NOT_PLAIN.test(line) && readResultLine(line) !== null && line.startsWith('*runbook:*');
}

/** Index of the last item (in document order) starting at or before `offset`, by binary search. */
function lastStartingBy(items: ReadonlyArray<{ span: Span }>, offset: number): number | null {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.span.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found === -1 ? null : found;
}
