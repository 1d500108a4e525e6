import { parseChunks } from './chunks.js';
import { readFrontMatter } from './frontmatter.js';
import { dominantLineEnding, LineIndex } from './lines.js';
import { buildSections, sectionAt } from './sections.js';
import type { Problem, Runbook } from './types.js';
import { declarations, references } from './variables.js';
import { Walker } from './walk.js';

export * from './types.js';
export { LineIndex, dominantLineEnding } from './lines.js';
export { formatResultLine, formatSeconds, readResultLine } from './results.js';
export { checkboxOf, classifyCell } from './cells.js';
export { SECRET_NAME } from './variables.js';
export { SHELLS } from './walk.js';
export { sectionAt } from './sections.js';

/**
 * Reads a runbook into a plain model whose spans are offsets into `text` exactly as given
 * (a leading BOM counts as one code unit). Never runs anything; never throws on content.
 */
export function parseRunbook(text: string): Runbook {
  const lines = new LineIndex(text);
  const problems: Problem[] = [];
  const bom = text.charCodeAt(0) === 0xfeff;
  const start = bom ? 1 : 0;
  const frontMatter = readFrontMatter(text, start, lines, problems);
  const walker = new Walker(text, lines, problems);
  for (const chunk of parseChunks(text, frontMatter ? frontMatter.span.end : start, text.length)) {
    walker.chunk(chunk);
  }
  const { headings, blocks, tasks, tables } = walker.out;
  const sections = buildSections(headings, lines, text.length);
  for (const item of [...blocks, ...tables]) item.section = sectionAt(sections, item.span.start);
  for (const task of tasks) task.section = sectionAt(sections, task.span.start);
  const fmTitle = frontMatter?.data.title;
  const h1 = sections.find((section) => section.depth === 1);
  return {
    bom,
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
    references: references(blocks),
    problems,
  };
}
