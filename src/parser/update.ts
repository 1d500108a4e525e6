import { parseChunks, swallowsNext } from './chunks.js';
import { LineIndex } from './lines.js';
import { assemble, lineIndexes, parseRunbook } from './parse.js';
import type { Problem, Runbook, Section, Span, TextLike } from './types.js';
import { updateLocally } from './local.js';
import { linkSections } from './sections.js';
import { knobColumns } from './variables.js';
import { Walker, type RawHeading } from './walk.js';

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
 * The model of `next`, which is `old`'s text with `changes` applied. Result lines and flipped
 * task boxes are taken into the model without parsing (parser/local.ts); other changes re-parse
 * only the independently parsed pieces they touch (parser/chunks.ts) and shift what follows.
 * Falls back to a full parse when a change reaches the front matter or leaves a piece open.
 *
 * It takes ownership of `old`: objects after the changed pieces are shifted in place rather
 * than copied, which is what keeps a tick in a 5 MB document within milliseconds.
 */
export function updateRunbook(old: Runbook, next: TextLike, changes: AppliedChange[]): Runbook {
  if (changes.length === 0) return old;
  const local = updateLocally(old, next, changes);
  if (local) return local;
  // A piece is parsed again: the parser reads one string.
  const text = String(next);
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

  const known = lineIndexes.get(old);
  const lines = known ? known.updated(text, oldStart, oldEnd, newEnd) : new LineIndex(text);
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
  const oldStartLine = lines.line(oldStart);
  const oldEndLine = lines.line(newEnd) - lineDelta;
  const split = <T extends { span: Span }>(items: T[]) => {
    let a = 0;
    while (a < items.length && items[a]!.span.start < oldStart) a++;
    let b = a;
    while (b < items.length && items[b]!.span.start < oldEnd) b++;
    return { before: items.slice(0, a), inside: items.slice(a, b), after: items.slice(b) };
  };
  const shift = (span: Span) => {
    span.start += delta;
    span.end += delta;
  };

  const oldTasks = split(old.tasks);
  const taskShift = region.tasks.length - oldTasks.inside.length;
  const firstTask = oldTasks.before.length;
  const remapTask = (index: number | null) => (index === null || index < firstTask ? index : index + taskShift);
  for (const task of region.tasks) if (task.parent !== null) task.parent += firstTask;
  for (const task of oldTasks.after) {
    task.parent = remapTask(task.parent);
    if (delta) shift(task.span), shift(task.checkboxSpan);
    task.line += lineDelta;
  }
  const tasks = [...oldTasks.before, ...region.tasks, ...oldTasks.after];
  tasks.forEach((task, index) => (task.index = index));

  const oldBlocks = split(old.blocks);
  for (const block of region.blocks) if (block.task !== null) block.task += firstTask;
  for (const block of oldBlocks.after) {
    block.task = remapTask(block.task);
    block.line += lineDelta;
    if (delta) {
      shift(block.span), shift(block.infoSpan), shift(block.bodySpan);
      if (block.closeSpan) shift(block.closeSpan);
      if (block.result) shift(block.result.span), shift(block.result.lineSpan);
      if (block.evidence) shift(block.evidence.span), shift(block.evidence.lineSpan);
    }
    if (block.result) block.result.line += lineDelta;
    if (block.evidence) {
      block.evidence.line += lineDelta;
      for (const entry of block.evidence.entries) entry.line += lineDelta;
    }
  }
  const blocks = [...oldBlocks.before, ...region.blocks, ...oldBlocks.after];
  blocks.forEach((block, index) => (block.index = index));

  const oldTables = split(old.tables);
  for (const table of oldTables.after) {
    table.line += lineDelta;
    if (delta) shift(table.span);
    for (const row of [table.headerRow, ...table.rows]) {
      row.line += lineDelta;
      if (!delta) continue;
      shift(row.span);
      for (const cell of row.cells) shift(cell.span), shift(cell.outer);
    }
  }
  const tables = [...oldTables.before, ...region.tables, ...oldTables.after];
  tables.forEach((table, index) => (table.index = index));

  const oldLinks = split(old.links);
  for (const link of oldLinks.after) {
    link.line += lineDelta;
    if (delta) shift(link.span);
  }
  const links = [...oldLinks.before, ...region.links, ...oldLinks.after];

  const oldUnrendered = split(old.unrendered.map((span) => ({ span })));
  if (delta) for (const { span } of oldUnrendered.after) shift(span);
  const unrendered = [...oldUnrendered.before.map((u) => u.span), ...region.unrendered, ...oldUnrendered.after.map((u) => u.span)];

  const oldSections = split(old.sections);
  const sameHeadings =
    region.headings.length === oldSections.inside.length &&
    region.headings.every((h, k) => h.text === oldSections.inside[k]!.text && h.depth === oldSections.inside[k]!.depth);
  // Anchors depend only on the sequence of heading texts: when it is unchanged, the sections are
  // the old ones, moved, rather than slugged again.
  let sections: Section[] | undefined;
  if (sameHeadings) {
    region.headings.forEach((h, k) => {
      const section = oldSections.inside[k]!;
      section.span = { start: h.start, end: h.end };
      section.line = lines.line(h.start);
    });
    for (const section of oldSections.after) {
      if (delta) shift(section.span);
      section.line += lineDelta;
    }
    sections = old.sections;
    linkSections(sections, text.length);
  }
  const headings: RawHeading[] = sections
    ? []
    : [
        ...oldSections.before.map((s) => ({ depth: s.depth, text: s.text, start: s.span.start, end: s.span.end })),
        ...region.headings,
        ...oldSections.after.map((s) => ({ depth: s.depth, text: s.text, start: s.span.start + delta, end: s.span.end + delta })),
      ];

  const mergedProblems = [
    ...old.problems.filter((p) => p.line < oldStartLine),
    ...problems,
    // When the re-parsed region runs to the end, every old problem from its start on was in it.
    ...old.problems.filter((p) => oldEnd < old.length && p.line >= oldEndLine).map((p) => ({ ...p, line: p.line + lineDelta })),
  ];
  // Variable references depend only on block bodies: when none in the region changed, shift
  // the old ones rather than scanning every block again.
  const sameBodies =
    region.blocks.length === oldBlocks.inside.length &&
    region.blocks.every((b, k) => b.body === oldBlocks.inside[k]!.body && b.runnable === oldBlocks.inside[k]!.runnable);
  const refs = sameBodies ? old.references : undefined;
  if (refs && lineDelta) for (const ref of refs) if (ref.line >= oldEndLine) ref.line += lineDelta;
  // Declarations come from front matter and knob tables: recomputed from tables only when a
  // table in the region could hold one.
  const knobs = (t: { header: string[] }) => knobColumns(t) !== null;
  const sameDeclarations = !region.tables.some(knobs) && !oldTables.inside.some(knobs);
  let decls = undefined;
  if (sameDeclarations) {
    decls = old.declarations;
    if (lineDelta) for (const d of decls) if (d.source === 'knob-table' && d.line >= oldEndLine) d.line += lineDelta;
  }
  const chunkStarts = [...starts.slice(0, i), ...regionStarts, ...starts.slice(j).map((s) => s + delta)];
  // The dominant line ending can only change when a change adds or removes line breaks.
  const eol = lineDelta === 0 && changes.every((c) => !/[\r\n]/.test(c.text) && !/[\r\n]/.test(c.removed)) ? old.eol : undefined;
  return assemble(text, lines, old.frontMatter, { headings, tasks, blocks, tables, links, unrendered }, mergedProblems, chunkStarts, {
    refs,
    eol,
    sections,
    declarations: decls,
  });
}
