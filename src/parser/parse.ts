import { parseChunks } from './chunks.js';
import { readFrontMatter } from './frontmatter.js';
import { dominantLineEnding, LineIndex } from './lines.js';
import { buildSections, sectionAt } from './sections.js';
import type { FrontMatter, Problem, Runbook, VariableReference } from './types.js';
import { declarations, references } from './variables.js';
import { Walker, type Collected } from './walk.js';

/**
 * Reads a runbook into a plain model whose spans are offsets into `text` exactly as given
 * (a leading BOM counts as one code unit). Never runs anything; never throws on content.
 */
export function parseRunbook(text: string): Runbook {
  const lines = new LineIndex(text);
  const problems: Problem[] = [];
  const bom = text.charCodeAt(0) === 0xfeff;
  const frontMatter = readFrontMatter(text, bom ? 1 : 0, lines, problems);
  const walker = new Walker(text, lines, problems);
  const chunkStarts: number[] = [];
  for (const chunk of parseChunks(text, frontMatter ? frontMatter.span.end : bom ? 1 : 0, text.length)) {
    chunkStarts.push(chunk.start);
    walker.chunk(chunk);
  }
  return assemble(text, lines, frontMatter, walker.out, problems, chunkStarts, null);
}

/** Builds the model from what the walk collected; `refs` reuses variable references already known. */
export function assemble(
  text: string,
  lines: LineIndex,
  frontMatter: FrontMatter | null,
  found: Collected,
  problems: Problem[],
  chunkStarts: number[],
  refs: VariableReference[] | null,
): Runbook {
  const { headings, blocks, tasks, tables } = found;
  const sections = buildSections(headings, lines, text.length);
  for (const item of [...blocks, ...tables]) item.section = sectionAt(sections, item.span.start);
  for (const task of tasks) task.section = sectionAt(sections, task.span.start);
  const fmTitle = frontMatter?.data.title;
  const h1 = sections.find((section) => section.depth === 1);
  return {
    bom: text.charCodeAt(0) === 0xfeff,
    eol: dominantLineEnding(text),
    finalNewline: /[\r\n]$/.test(text),
    length: text.length,
    title: typeof fmTitle === 'string' ? fmTitle : (h1?.text ?? null),
    frontMatter,
    sections,
    blocks,
    tasks,
    tables,
    declarations: declarations(frontMatter, frontMatter ? lines.line(frontMatter.span.start) : 1, tables),
    references: refs ?? references(blocks),
    problems,
    chunkStarts,
  };
}
