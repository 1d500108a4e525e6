import { parseChunks } from './chunks.js';
import { readFrontMatter } from './frontmatter.js';
import { dominantLineEnding, LineIndex } from './lines.js';
import { nestingProblem } from './nesting.js';
import { assignSections, buildSections } from './sections.js';
import type { FrontMatter, LineEnding, Problem, Runbook, Section, VariableDeclaration, VariableReference } from './types.js';
import { scenarios } from './scenarios.js';
import { declarations, references } from './variables.js';
import { Walker, type Collected } from './walk.js';

/** The line index each model was built with, kept out of the plain model for updates. */
export const lineIndexes = new WeakMap<Runbook, LineIndex>();

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
  const start = frontMatter ? frontMatter.span.end : bom ? 1 : 0;
  if (bom && text.charCodeAt(1) === 0xfeff) {
    problems.push({ line: 1, column: 1, message: 'the file starts with more than one byte order mark; GitHub strips the first and shows the others as text, so line 1 is a paragraph', ruleId: 'repeated-bom', severity: 'warning' });
  }
  // Nesting is measured before micromark sees the text: past the limits, nothing is parsed.
  const refused = nestingProblem(text, start, text.length, lines);
  if (refused) {
    problems.push(refused);
    return assemble(text, lines, frontMatter, walker.out, problems, chunkStarts);
  }
  for (const chunk of parseChunks(text, start, text.length)) {
    chunkStarts.push(chunk.start);
    walker.chunk(chunk);
  }
  return assemble(text, lines, frontMatter, walker.out, problems, chunkStarts);
}

/** Builds the model from what the walk collected; `refs` reuses variable references already known. */
export function assemble(
  text: string,
  lines: LineIndex,
  frontMatter: FrontMatter | null,
  found: Collected,
  problems: Problem[],
  chunkStarts: number[],
  reuse: { refs?: VariableReference[]; eol?: LineEnding; sections?: Section[]; declarations?: VariableDeclaration[] } = {},
): Runbook {
  const { headings, blocks, tasks, tables, links, unrendered } = found;
  const sections = reuse.sections ?? buildSections(headings, lines, text.length);
  assignSections(sections, blocks);
  assignSections(sections, tables);
  assignSections(sections, tasks);
  const fmTitle = frontMatter?.data.title;
  const h1 = sections.find((section) => section.depth === 1);
  const model: Runbook = {
    bom: text.charCodeAt(0) === 0xfeff,
    eol: reuse.eol ?? dominantLineEnding(text),
    finalNewline: text.endsWith('\n') || text.endsWith('\r'),
    length: text.length,
    title: typeof fmTitle === 'string' ? fmTitle : (h1?.text ?? null),
    frontMatter,
    sections,
    blocks,
    tasks,
    tables,
    links,
    unrendered,
    scenarios: scenarios(tables, frontMatter),
    declarations: reuse.declarations ?? declarations(frontMatter, frontMatter ? lines.line(frontMatter.span.start) : 1, tables),
    references: reuse.refs ?? references(blocks),
    problems,
    chunkStarts,
  };
  lineIndexes.set(model, lines);
  return model;
}
