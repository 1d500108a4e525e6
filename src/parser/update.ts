import { parseChunks, swallowsNext } from './chunks.js';
import { assemble, parseRunbook } from './parse.js';
import { LineIndex } from './lines.js';
import type { Block, Problem, Row, Runbook, Span, Table, Task } from './types.js';
import { Walker, type Collected, type RawHeading } from './walk.js';

/** A change already applied to the text: `[start, oldEnd)` of the old text became `text`. */
export interface AppliedChange {
  start: number;
  oldEnd: number;
  text: string;
  removed: string;
}

const BREAKS = /\r\n|\r|\n/g;
const countBreaks = (s: string) => s.match(BREAKS)?.length ?? 0;

/**
 * The model of `text`, which is `old`'s text with `changes` applied, re-parsing only the
 * independently parsed pieces the changes touch and shifting everything after them. Falls back
 * to a full parse when a change reaches the front matter or leaves a piece open at its end.
 */
export function updateRunbook(old: Runbook, text: string, changes: AppliedChange[]): Runbook {
  if (changes.length === 0) return old;
  const first = Math.min(...changes.map((c) => c.start));
  const last = Math.max(...changes.map((c) => c.oldEnd));
  const starts = old.chunkStarts;
  if (!starts.length || first < starts[0]! || (old.frontMatter && first < old.frontMatter.span.end)) return parseRunbook(text);
  let i = 0;
  while (i + 1 < starts.length && starts[i + 1]! <= first) i++;
  // A change on the very line that opens a piece may change the heading that opened it.
  if (first === starts[i] && i > 0) i--;
  let j = i + 1;
  while (j < starts.length && starts[j]! <= last) j++;
  const oldStart = starts[i]!;
  const oldEnd = starts[j] ?? old.length;
  const delta = changes.reduce((sum, c) => sum + c.text.length - (c.oldEnd - c.start), 0);
  const lineDelta = changes.reduce((sum, c) => sum + countBreaks(c.text) - countBreaks(c.removed), 0);
  const newEnd = oldEnd + delta;

  const lines = new LineIndex(text);
  const problems: Problem[] = [];
  const walker = new Walker(text, lines, problems);
  const regionStarts: number[] = [];
  let lastChunk = null;
  for (const chunk of parseChunks(text, oldStart, newEnd)) {
    regionStarts.push(chunk.start);
    walker.chunk(chunk);
    lastChunk = chunk;
  }
  if (newEnd < text.length && lastChunk && swallowsNext(lastChunk.tree, text, lastChunk.start, lastChunk.end)) {
    return parseRunbook(text);
  }
  const region = walker.out;
  const inOld = (span: Span) => span.start >= oldStart && span.start < oldEnd;
  const before = (span: Span) => span.start < oldStart;
  const shift = (span: Span): Span => ({ start: span.start + delta, end: span.end + delta });
  const firstLineAfter = lines.line(newEnd);

  const oldTasksBefore = old.tasks.filter((t) => before(t.span)).length;
  const oldTasksIn = old.tasks.filter((t) => inOld(t.span)).length;
  const taskShift = region.tasks.length - oldTasksIn;
  const remapTask = (index: number | null) => (index === null ? null : index < oldTasksBefore ? index : index + taskShift);

  const headings: RawHeading[] = [
    ...old.sections.filter((s) => before(s.span)).map((s) => ({ depth: s.depth, text: s.text, start: s.span.start, end: s.span.end })),
    ...region.headings,
    ...old.sections.filter((s) => s.span.start >= oldEnd).map((s) => ({ depth: s.depth, text: s.text, start: s.span.start + delta, end: s.span.end + delta })),
  ];
  const tasks: Task[] = [
    ...old.tasks.filter((t) => before(t.span)),
    ...region.tasks.map((t) => ({ ...t, parent: t.parent === null ? null : t.parent + oldTasksBefore })),
    ...old.tasks.filter((t) => t.span.start >= oldEnd).map((t) => ({
      ...t,
      line: t.line + lineDelta,
      span: shift(t.span),
      checkboxSpan: shift(t.checkboxSpan),
      parent: remapTask(t.parent),
    })),
  ].map((t, index) => ({ ...t, index }));
  const blocks: Block[] = [
    ...old.blocks.filter((b) => before(b.span)),
    ...region.blocks.map((b) => ({ ...b, task: b.task === null ? null : b.task + oldTasksBefore })),
    ...old.blocks.filter((b) => b.span.start >= oldEnd).map((b) => shiftBlock(b, delta, lineDelta, remapTask)),
  ].map((b, index) => ({ ...b, index }));
  const tables: Table[] = [
    ...old.tables.filter((t) => before(t.span)),
    ...region.tables,
    ...old.tables.filter((t) => t.span.start >= oldEnd).map((t) => shiftTable(t, delta, lineDelta)),
  ].map((t, index) => ({ ...t, index }));
  const oldEndLine = firstLineAfter - lineDelta;
  const oldStartLine = lines.line(oldStart);
  const keptProblems = old.problems.filter((p) => p.line < oldStartLine || p.line >= oldEndLine);
  const mergedProblems = [
    ...keptProblems.filter((p) => p.line < oldStartLine),
    ...problems,
    ...keptProblems.filter((p) => p.line >= oldEndLine).map((p) => ({ ...p, line: p.line + lineDelta })),
  ];
  const collected: Collected = { headings, tasks, blocks, tables };
  // Variable references depend only on block bodies: when none changed, shift the old ones.
  const sameBodies =
    blocks.length === old.blocks.length && blocks.every((b, k) => b.body === old.blocks[k]!.body && b.runnable === old.blocks[k]!.runnable);
  const refs = sameBodies
    ? old.references.map((r) => (r.line >= oldEndLine ? { ...r, line: r.line + lineDelta } : r))
    : null;
  const starts2 = [...starts.slice(0, i), ...regionStarts, ...starts.slice(j).map((s) => s + delta)];
  return assemble(text, lines, old.frontMatter, collected, mergedProblems, starts2, refs);
}

function shiftBlock(b: Block, delta: number, lineDelta: number, remapTask: (i: number | null) => number | null): Block {
  const shift = (span: Span): Span => ({ start: span.start + delta, end: span.end + delta });
  return {
    ...b,
    line: b.line + lineDelta,
    span: shift(b.span),
    infoSpan: shift(b.infoSpan),
    bodySpan: shift(b.bodySpan),
    closeSpan: b.closeSpan && shift(b.closeSpan),
    task: remapTask(b.task),
    result: b.result && { ...b.result, line: b.result.line + lineDelta, span: shift(b.result.span), lineSpan: shift(b.result.lineSpan) },
  };
}

function shiftTable(t: Table, delta: number, lineDelta: number): Table {
  const shift = (span: Span): Span => ({ start: span.start + delta, end: span.end + delta });
  const row = (r: Row): Row => ({
    line: r.line + lineDelta,
    span: shift(r.span),
    cells: r.cells.map((c) => ({ ...c, span: shift(c.span), outer: shift(c.outer) })),
  });
  return { ...t, line: t.line + lineDelta, span: shift(t.span), headerRow: row(t.headerRow), rows: t.rows.map(row) };
}
