import { parse as parseYaml } from 'yaml';
import type { FrontMatter, Problem } from './types.js';
import type { LineIndex } from './lines.js';

/** Matches an opening `---` line: only dashes and trailing spaces. */
const OPEN = /^---[ \t]*(?:\r\n|\r|\n)/;
/** A closing `---` or `...` line. */
const CLOSE = /^(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$)/gm;

/**
 * Finds YAML front matter starting at `start` (after any BOM). Front matter is metadata, never
 * content: the caller parses Markdown only after `span.end`.
 */
export function readFrontMatter(
  text: string,
  start: number,
  lines: LineIndex,
  problems: Problem[],
): FrontMatter | null {
  const open = OPEN.exec(text.slice(start, start + 8));
  if (!open) return null;
  const bodyStart = start + open[0].length;
  CLOSE.lastIndex = bodyStart;
  let close: RegExpExecArray | null;
  while ((close = CLOSE.exec(text))) {
    // `gm` matches after any line ending; make sure the match starts a line.
    const prev = text.charCodeAt(close.index - 1);
    if (close.index === bodyStart || prev === 10 || prev === 13) break;
  }
  if (!close) return null;
  const yamlText = text.slice(bodyStart, close.index);
  const span = { start, end: close.index + close[0].length };
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = parseYaml(yamlText);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      data = parsed as Record<string, unknown>;
    }
  } catch (error) {
    problems.push({
      line: lines.line(start),
      column: 1,
      message: `front matter is not valid YAML: ${firstLine(String((error as Error).message))}`,
      ruleId: 'front-matter',
      severity: 'error',
    });
  }
  return { span, data };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:\s*$/, '');
}
