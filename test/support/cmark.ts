import { spawnSync } from 'node:child_process';
import { parseRunbook } from '../../src/parser/index.js';

/** What GitHub's renderer reports for a document: the oracle the parser must agree with. */
export interface CmarkFacts {
  tasks: Array<[line: number, checked: boolean]>;
  fences: Array<[line: number, lang: string]>;
  rows: number[];
}

/** True when `cmark-gfm` is on PATH. */
export function haveCmark(): boolean {
  return spawnSync('cmark-gfm', ['--version']).status === 0;
}

function decode(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Renders `text` with `cmark-gfm --sourcepos -e tasklist -e table -t xml` and reads back task
 * items, fenced code blocks and table rows. cmark-gfm knows no front matter, so callers blank it
 * first; a BOM is stripped, as GitHub does before rendering.
 */
export function cmarkFacts(text: string): CmarkFacts {
  const source = text.replace(/^\uFEFF/, '');
  const run = spawnSync('cmark-gfm', ['--sourcepos', '-e', 'tasklist', '-e', 'table', '-t', 'xml'], {
    input: source,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (run.status !== 0) throw new Error(`cmark-gfm failed: ${run.stderr}`);
  const lines = source.split(/\r\n|\r|\n/);
  const facts: CmarkFacts = { tasks: [], fences: [], rows: [] };
  const tag = /<(tasklist|code_block|table|table_header|table_row)\b([^>]*)>/g;
  // cmark-gfm gives a table that interrupts a paragraph the paragraph's start as its header's
  // position; the header is always the line before the delimiter row, so it is derived from the
  // table's first body row, or from its end (the delimiter row) when it has none.
  let pendingHeader: { tableEnd: number } | null = null;
  const flushHeader = (firstRow: number | null) => {
    if (pendingHeader) facts.rows.push(firstRow === null ? pendingHeader.tableEnd - 1 : firstRow - 2);
    pendingHeader = null;
  };
  let match: RegExpExecArray | null;
  while ((match = tag.exec(run.stdout))) {
    const attrs = match[2]!;
    const pos = /sourcepos="(\d+):(\d+)-/.exec(attrs);
    if (!pos) continue;
    const line = Number(pos[1]);
    const column = Number(pos[2]);
    if (match[1] === 'tasklist') {
      facts.tasks.push([line, /completed="true"/.test(attrs)]);
    } else if (match[1] === 'code_block') {
      const info = /info="([^"]*)"/.exec(attrs);
      const rest = Buffer.from(lines[line - 1] ?? '', 'utf8').subarray(column - 1).toString('utf8');
      // Indented code starting with fence characters is told apart by its content, which (unlike
      // a fenced block's) holds the opening line itself.
      const end = run.stdout.indexOf('</code_block>', tag.lastIndex);
      const body = attrs.endsWith('/') || end === -1 ? '' : decode(run.stdout.slice(tag.lastIndex, end));
      const indented = !info && body.split('\n', 1)[0] === rest;
      if (info || (/^ {0,3}(`{3,}|~{3,})/.test(rest) && !indented)) {
        facts.fences.push([line, info ? (decode(info[1]!).split(/[ \t]/)[0] ?? '') : '']);
      }
    } else if (match[1] === 'table') {
      flushHeader(null);
      pendingHeader = { tableEnd: Number(/sourcepos="\d+:\d+-(\d+):/.exec(attrs)![1]) };
    } else if (match[1] === 'table_row') {
      flushHeader(line);
      facts.rows.push(line);
    }
  }
  flushHeader(null);
  facts.rows.sort((a, b) => a - b);
  return facts;
}

/** Replaces front matter with blank lines so line numbers stay the same for cmark-gfm. */
export function blankFrontMatter(text: string, end: number): string {
  return text.slice(0, end).replace(/[^\r\n\uFEFF]/g, '') + text.slice(end);
}

/**
 * The code spans of every table cell as cmark-gfm reads them: per table, per row (header first),
 * per cell, the text of each `<code>`. Trailing cells without code are dropped.
 */
export function cmarkCellCode(text: string): string[][][][] {
  const run = spawnSync('cmark-gfm', ['-e', 'table', '-t', 'xml'], { input: text.replace(/^\uFEFF/, ''), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`cmark-gfm failed: ${run.stderr}`);
  const tables: string[][][][] = [];
  const token = /<table\b[^>]*>|<table_(?:header|row)\b[^>]*>|<table_cell\b[^>]*?(\/?)>|<code\b[^>]*>([^<]*)<\/code>/g;
  let match: RegExpExecArray | null;
  while ((match = token.exec(run.stdout))) {
    const tag = match[0];
    if (/^<table[\s>]/.test(tag)) tables.push([]);
    else if (/^<table_(header|row)/.test(tag)) tables[tables.length - 1]!.push([]);
    else if (tag.startsWith('<table_cell')) {
      const rows = tables[tables.length - 1]!;
      rows[rows.length - 1]!.push([]);
    } else {
      const rows = tables[tables.length - 1];
      const cells = rows?.[rows.length - 1];
      cells?.[cells.length - 1]?.push(decode(match[2]!));
    }
  }
  return tables.map((rows) => rows.map(trimEmpty));
}

/** Drops trailing cells that hold no code, so padded and unpadded rows compare equal. */
export function trimEmpty(cells: string[][]): string[][] {
  const out = [...cells];
  while (out.length && out[out.length - 1]!.length === 0) out.pop();
  return out;
}

/** The same facts read from runbook's model of `text`, to compare with `cmarkFacts`. */
export function ourFacts(text: string): CmarkFacts {
  const model = parseRunbook(text);
  return {
    // Glyph boxes (`- □ item`) are runbook's extension: GitHub shows them as text.
    tasks: model.tasks.filter((t) => t.kind === 'task').map((t) => [t.line, t.checked]),
    fences: model.blocks.map((b) => [b.line, b.lang]),
    rows: model.tables.flatMap((t) => [t.headerRow.line, ...t.rows.map((r) => r.line)]),
  };
}
