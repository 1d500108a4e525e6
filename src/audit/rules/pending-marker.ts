import { struckSpans, type Link, type Table } from '../../parser/index.js';
import type { Rule } from '../types.js';

/**
 * Words and signs that say "not done yet", left in the document outside code: fenced and indented
 * code blocks, inline code spans (`PENDING` there names a value, such as a job state), HTML tags,
 * attributes and comments and link and image destinations (not rendered) are skipped, and so are
 * struck-through text (`~~WIP~~`, a status crossed out) and a legend explaining the signs rather
 * than a status: a line that shows 🟢, 🟡 and 🔴 side by side outside a table, or a table of the
 * signs and what they mean.
 */
export const pendingMarker: Rule = {
  id: 'pending-marker',
  severity: 'error',
  description: 'A pending marker (🟡, ⏳, PENDING, WIP) is left in the document.',
  check({ model, text, pendingWords }) {
    const matches = [...text.matchAll(markerPattern(pendingWords))];
    // A filled document has none: what is skipped is worked out only for one that has some.
    if (!matches.length) return [];
    const blocks = model.blocks.map((b) => [b.span.start, b.span.end] as const);
    const skipped = [...blocks, ...inlineCode(text, blocks), ...model.unrendered.map((u) => [u.start, u.end] as const), ...destinations(text, model.links), ...struckSpans(text)];
    const tableLines = new Set(model.tables.flatMap((t) => [t.line, ...t.rows.map((r) => r.line)]));
    const legendLines = new Set(model.tables.filter(isLegendTable).flatMap((t) => t.rows.map((r) => r.line)));
    const hits = [];
    let line = 1;
    let lineStart = 0;
    for (const match of matches) {
      const at = match.index!;
      if (skipped.some(([s, e]) => at >= s && at < e)) continue;
      for (let i = lineStart; i < at; i++) if (text[i] === '\n') (line++, (lineStart = i + 1));
      if (match[0] === '🟡' && (legendLines.has(line) || (!tableLines.has(line) && isLegend(text, lineStart)))) continue;
      hits.push({ line, column: at - lineStart + 1, message: `pending marker "${match[0]}"` });
    }
    return hits;
  },
};

/** The patterns of the pending words configured, by the words (one list per audit, made once). */
const patterns = new Map<string, RegExp>();

/** A pattern that finds any of `words` (whole words where they start with one). */
function markerPattern(words: readonly string[]): RegExp {
  const key = words.join('\0');
  let pattern = patterns.get(key);
  if (!pattern) {
    const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(`(?:${escaped.map((w) => (/^\w/.test(w) ? `\\b${w}\\b` : w)).join('|')})`, 'gu');
    patterns.set(key, pattern);
  }
  // matchAll works on a copy: this one's lastIndex never moves.
  return pattern;
}

/** A closing run of exactly n backticks, by n (each used from a lastIndex set just before). */
const closers = new Map<number, RegExp>();

/**
 * Code spans: a run of backticks up to the next run of exactly the same length, within one
 * paragraph (a blank line ends the search); an escaped backtick opens nothing.
 */
function inlineCode(text: string, blocks: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  const spans: [number, number][] = [];
  const runs = /`+/g;
  const blank = /\n[ \t]*\n/g;
  let open: RegExpExecArray | null;
  let limit = -1;
  while ((open = runs.exec(text)) !== null) {
    const at = open.index;
    const block = blocks.find(([s, e]) => at >= s && at < e);
    if (block) {
      runs.lastIndex = block[1];
      continue;
    }
    if (at > 0 && text[at - 1] === '\\') continue;
    // The span ends within the paragraph: at the next blank line at the latest.
    if (limit <= at) {
      blank.lastIndex = at;
      limit = blank.exec(text)?.index ?? text.length;
    }
    const length = open[0].length;
    let close = closers.get(length);
    if (!close) closers.set(length, (close = new RegExp(`(?<!\`)\`{${length}}(?!\`)`, 'g')));
    close.lastIndex = at + length;
    const found = close.exec(text);
    if (found === null || found.index >= limit) continue;
    spans.push([at, found.index + length]);
    runs.lastIndex = found.index + length;
  }
  return spans;
}

/** Where link and image destinations are written (`](…)`, a definition's `: …`): never shown as text. */
function destinations(text: string, links: readonly Link[]): (readonly [number, number])[] {
  return links.flatMap((link) => {
    const written = text.slice(link.span.start, link.span.end);
    const at = link.kind === 'definition' ? written.indexOf(']:') + 2 : written.lastIndexOf('](') + 2;
    return at > 1 ? [[link.span.start + at, link.span.end] as const] : [];
  });
}

function isLegend(text: string, lineStart: number): boolean {
  const end = text.indexOf('\n', lineStart);
  const lineText = text.slice(lineStart, end === -1 ? text.length : end);
  return lineText.includes('🟢') && lineText.includes('🔴');
}

const SIGN = /^(🟢|🟡|🔴)(?:\s.*)?$/u;
/** Headers of a column of signs: what a legend's first column is called (or nothing at all). */
const SIGNS = /^(?:signs?|symbols?|icons?|emoji|colou?rs?|legend|key|markers?|indicators?|)$/i;
/** Headers that say a column explains something. */
const EXPLAINS = /\b(mean(s|ing)?|descri(bes?|ption)|definition|signifies|stands? for)\b/i;

/**
 * A table whose first column, headed as a column of signs (`Sign`, `Symbol`, `Legend`, or nothing),
 * gives 🟢, 🟡 and 🔴 once each (each cell the sign, maybe with a word), and whose other header
 * says it explains them (`| Sign | Meaning |`). A status table (`| Status | Description |`,
 * `| 🟡 | cache degraded |`) is not one: its 🟡 is a status left open.
 */
function isLegendTable(table: Table): boolean {
  if (!SIGNS.test(table.header[0]?.replace(/[*_`]/g, '').trim() ?? '')) return false;
  const signs = table.rows.map((row) => SIGN.exec(row.cells[0]?.text ?? '')?.[1] ?? null);
  const given = signs.filter((sign) => sign !== null);
  if (new Set(given).size !== 3 || given.length !== 3) return false;
  return table.header.some((cell, i) => i > 0 && EXPLAINS.test(cell));
}
