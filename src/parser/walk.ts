import type { Code, Heading, Html, ListItem, Nodes, Paragraph, Parents, Table as MdTable } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { Chunk } from './chunks.js';
import { cellCodeSpans, fenceOf, hasClosingFence } from './chunks.js';
import { inlineProblem } from './inline.js';
import type { LineIndex } from './lines.js';
import { commentOptions, parseOptions } from './options.js';
import { missingCell, splitRow } from './cells.js';
import { GLYPH_START, glyphLines, glyphPair, glyphState } from './glyphs.js';
import { readResultLine } from './results.js';
import { readEvidence } from './evidence.js';
import { readBlock } from './settings.js';
import { TIMELINE_OPEN_LINE } from './timeline.js';
import type { Block, BlockOptions, Link, Problem, Row, Span, Table, Task } from './types.js';

/** Shell languages whose fenced blocks run. */
export const SHELLS = new Set(['bash', 'sh', 'shell', 'zsh', 'console-bash']);

/** A list marker, its spacing, then a task box followed by a space or tab. */
const TASK_MARKER = /^([ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]+)\[([ xX])\][ \t]/;
/** A list marker and its spacing, before an item's first content. */
const LIST_MARKER = /^[ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]+/;

/** Headings as found, before the section tree is built. */
export interface RawHeading {
  depth: number;
  text: string;
  start: number;
  end: number;
}

/** What one walk over the chunks collects, in document order. */
export interface Collected {
  headings: RawHeading[];
  blocks: Block[];
  tasks: Task[];
  tables: Table[];
  links: Link[];
  unrendered: Span[];
}

/** Reads blocks, tasks, tables and headings from parsed chunks; the only place that reads mdast. */
export class Walker {
  readonly out: Collected = { headings: [], blocks: [], tasks: [], tables: [], links: [], unrendered: [] };
  private base = 0;
  /** The signs of the glyph items of the list being walked: how that list pairs them. */
  private listSigns: string[] = [];

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
    private readonly problems: Problem[],
  ) {}

  /** Walks one chunk's tree. */
  chunk(chunk: Chunk): void {
    this.base = chunk.start;
    for (const limit of chunk.limits) this.problems.push(inlineProblem(limit, this.lines));
    this.children(chunk.tree, null);
  }

  private children(parent: Parents, task: number | null): void {
    const kids = parent.children as Nodes[];
    for (let i = 0; i < kids.length; i++) {
      const node = kids[i]!;
      switch (node.type) {
        case 'heading':
          this.heading(node);
          this.inline(node);
          break;
        case 'paragraph':
          this.inline(node);
          break;
        case 'definition':
          this.link(node, 'definition');
          break;
        case 'code':
          this.code(node, kids[i - 1], kids[i + 1], task, kids[i + 2]);
          break;
        case 'listItem':
          this.children(node, this.listItem(node, task));
          break;
        case 'table':
          this.table(node);
          break;
        case 'list': {
          const outer = this.listSigns;
          this.listSigns = node.children.flatMap((item) => this.itemSign(item) ?? []);
          this.children(node, task);
          this.listSigns = outer;
          break;
        }
        case 'blockquote':
        case 'footnoteDefinition':
          this.children(node, task);
          break;
        case 'html':
          this.tags(node);
          break;
        default:
          break;
      }
    }
  }

  /** Links and images inside a paragraph, heading or table cell. */
  private inline(node: Nodes): void {
    if (node.type === 'link' || node.type === 'image') this.link(node, node.type);
    else if (node.type === 'html') this.tags(node);
    if ('children' in node) for (const child of node.children as Nodes[]) this.inline(child);
  }

  /**
   * The tags and comments of raw HTML, never shown as text (what stands between two tags of an
   * HTML block is, and stays out of these spans).
   */
  private tags(node: Html): void {
    const start = this.start(node);
    const written = this.text.slice(start, this.end(node));
    for (const tag of written.matchAll(/<!--[\s\S]*?(?:-->|$)|<[^>]*>?/g)) {
      this.out.unrendered.push({ start: start + tag.index!, end: start + tag.index! + tag[0].length });
    }
  }

  private link(node: Nodes & { url: string }, kind: Link['kind']): void {
    const start = this.start(node);
    this.out.links.push({ url: node.url, kind, line: this.lines.line(start), column: this.lines.column(start), span: { start, end: this.end(node) } });
  }

  private start(node: Nodes): number {
    return this.base + (node.position?.start.offset ?? 0);
  }

  private end(node: Nodes): number {
    return this.base + (node.position?.end.offset ?? 0);
  }

  private heading(node: Heading): void {
    this.out.headings.push({
      depth: node.depth,
      text: toString(node).trim(),
      start: this.start(node),
      end: this.end(node),
    });
  }

  /**
   * A list item is a task exactly where cmark-gfm's tasklist extension says so: the marker is
   * the first thing on its line (so not inside a block quote or after another list marker on the
   * same line), and `[ ]`, `[x]` or `[X]` follows it on that line with a space or tab after it.
   * micromark differs at both edges, so its verdict is only a hint here.
   */
  private listItem(node: ListItem, parent: number | null): number | null {
    const start = this.start(node);
    const line = this.lines.line(start);
    const lineStart = this.lines.lineStart(line);
    if (!/^[ \t]*$/.test(this.text.slice(lineStart, start))) return parent;
    const marker = TASK_MARKER.exec(this.text.slice(start, this.lines.lineEnd(line) + 1));
    if (!marker) return this.glyphItem(node, parent);
    const boxStart = start + marker[1]!.length;
    const first = node.children[0];
    const micromarkTask = typeof node.checked === 'boolean';
    const boxOnly = first !== undefined && this.start(first) === boxStart;
    if (!micromarkTask && !boxOnly) return parent;
    const index = this.out.tasks.length;
    this.out.tasks.push({
      index,
      kind: 'task',
      pair: null,
      checked: marker[2] !== ' ',
      text: micromarkTask && first?.type === 'paragraph' ? plainText(first).trim() : '',
      line,
      span: { start, end: this.end(node) },
      checkboxSpan: { start: boxStart, end: boxStart + 3 },
      section: null,
      parent,
    });
    return index;
  }

  /**
   * The sign a list item starts with, when it is a glyph box: the sign is the first thing of the
   * item's first paragraph, on the marker's line, followed by a space and text.
   */
  private itemSign(node: ListItem): string | null {
    const start = this.start(node);
    const line = this.lines.line(start);
    if (!/^[ \t]*$/.test(this.text.slice(this.lines.lineStart(line), start))) return null;
    const first = node.children[0];
    if (first?.type !== 'paragraph' || typeof node.checked === 'boolean') return null;
    const content = this.start(first);
    const marker = LIST_MARKER.exec(this.text.slice(start, content));
    if (!marker || start + marker[0].length !== content) return null;
    return GLYPH_START.exec(this.text.slice(content, this.lines.lineEnd(line)))?.[1] ?? null;
  }

  /** A list item that is a glyph box (`- □ item`), an extension of GFM's tasks. */
  private glyphItem(node: ListItem, parent: number | null): number | null {
    const sign = this.itemSign(node);
    if (sign === null) return parent;
    const first = node.children[0] as Paragraph;
    const boxStart = this.start(first);
    const index = this.out.tasks.length;
    this.out.tasks.push({
      index,
      kind: 'glyph-item',
      pair: glyphPair(sign, this.listSigns),
      checked: glyphState(sign) === 'ticked',
      text: plainText(first).trim().replace(GLYPH_START, ''),
      line: this.lines.line(boxStart),
      span: { start: this.start(node), end: this.end(node) },
      checkboxSpan: { start: boxStart, end: boxStart + sign.length },
      section: null,
      parent,
    });
    return index;
  }

  /** The lines of a plain fenced checklist, each a glyph box (see parser/glyphs.ts). */
  private fencedChecklist(block: Block, parent: number | null): void {
    if (block.closeSpan === null) return;
    const lines: Array<{ start: number; text: string }> = [];
    const last = block.bodySpan.start < block.bodySpan.end ? this.lines.line(block.closeSpan.start) - 1 : 0;
    for (let line = this.lines.line(block.bodySpan.start); line <= last; line++) {
      const start = this.lines.lineStart(line);
      lines.push({ start, text: this.text.slice(start, this.lines.lineEnd(line)) });
    }
    const found = glyphLines(block.lang, lines);
    const signs = found.map((f) => f.sign);
    for (const box of found) {
      const line = this.lines.line(box.at);
      this.out.tasks.push({
        index: this.out.tasks.length,
        kind: 'glyph-line',
        pair: glyphPair(box.sign, signs),
        checked: glyphState(box.sign) === 'ticked',
        text: box.text,
        line,
        span: { start: box.at, end: this.lines.lineEnd(line) },
        checkboxSpan: { start: box.at, end: box.at + box.sign.length },
        section: null,
        parent,
      });
    }
  }

  private code(node: Code, before: Nodes | undefined, after: Nodes | undefined, task: number | null, further?: Nodes): void {
    const start = this.start(node);
    const end = this.end(node);
    const text = this.text;
    const fence = fenceOf(node, text, start);
    // Indented code: never a block, and never prose.
    if (fence === null) return void this.out.unrendered.push({ start, end });
    // The session timeline's chart is the record's, not a block of the runbook.
    if (before?.type === 'html' && TIMELINE_OPEN_LINE.test((before as Html).value.trim())) return;
    const line = this.lines.line(start);
    const endLine = this.lines.line(end);
    const fenceStart = start;
    const infoStart = fenceStart + fence.length;
    const infoEnd = this.lines.lineEnd(line);
    const column = this.lines.column(fenceStart);
    const closed = endLine > line && hasClosingFence(text, start, end, fence);
    let closeSpan = null;
    if (closed) {
      const closeLineStart = this.lines.lineStart(endLine);
      const fenceAt = closeLineStart + /^[ \t>]*/.exec(text.slice(closeLineStart, end))![0].length;
      closeSpan = { start: fenceAt, end };
    } else {
      // Left open to the end of the document, or ended by the end of its list item or quote.
      const message = text.slice(end).trim() === '' ? FENCE_OPEN_TO_END : FENCE_ENDED_BY_CONTAINER;
      this.problems.push({
        line,
        column,
        message,
        ruleId: 'unclosed-fence',
        severity: 'error',
      });
    }
    const lang = node.lang ?? '';
    const meta = node.meta ?? '';
    const options = this.blockOptions(meta, before, line);
    const { settings, skipReason, issues } = readBlock(options, lang, node.value, SHELLS.has(lang.toLowerCase()));
    for (const issue of issues) this.problems.push({ line, column, ...issue, severity: 'error' });
    const bodyStart = this.lines.lineEndWithEol(line);
    const lineStart = this.lines.lineStart(line);
    const prefixSource = closeSpan
      ? text.slice(this.lines.lineStart(endLine), closeSpan.start)
      : text.slice(lineStart, fenceStart).replace(/[^\t>]/g, ' ');
    const block: Block = {
      index: this.out.blocks.length,
      lang,
      meta,
      options,
      ...settings,
      runnable: skipReason === null,
      skipReason,
      body: node.value,
      line,
      column,
      span: { start: fenceStart, end },
      infoSpan: { start: infoStart, end: infoEnd },
      bodySpan: { start: Math.min(bodyStart, end), end: closeSpan ? this.lines.lineStart(endLine) : end },
      closeSpan,
      prefix: prefixSource,
      section: null,
      task,
      result: closeSpan ? this.result(endLine, prefixSource, after) : null,
      evidence: null,
    };
    if (closeSpan) block.evidence = this.evidence(block.result ? block.result.line : endLine, prefixSource, block.result ? further : after);
    this.out.blocks.push(block);
    if (!block.runnable) this.fencedChecklist(block, task);
  }

  private blockOptions(meta: string, before: Nodes | undefined, line: number): BlockOptions {
    let options = parseOptions(meta, 'info');
    if (options.source === 'none' && before?.type === 'html') {
      const comment = commentOptions((before as Html).value);
      const gap = line - this.lines.line(this.end(before));
      if (comment !== null && gap >= 1 && gap <= 2) options = parseOptions(comment, 'comment');
    }
    if (options.error) {
      this.problems.push({ line, column: 1, message: options.error, ruleId: 'block-options', severity: 'error' });
    }
    return options;
  }

  /**
   * The result line under a block's closing fence: right under it, as runbook writes it, or after
   * one blank line, as a Markdown formatter (Prettier) leaves it.
   */
  private result(closeLine: number, prefix: string, after: Nodes | undefined): Block['result'] {
    if (!after || after.type !== 'paragraph') return null;
    let line = closeLine + 1;
    const at = this.lines.line(this.start(after as Paragraph));
    if (at === line + 1 && /^[ \t>]*$/.test(this.text.slice(this.lines.lineStart(line), this.lines.lineEnd(line)))) line = at;
    if (at !== line) return null;
    const lineStart = this.lines.lineStart(line);
    const lineEnd = this.lines.lineEnd(line);
    const raw = this.text.slice(lineStart, lineEnd);
    const content = /^[ \t>]*/.exec(raw)![0].length;
    if (raw.slice(0, content).replace(/[ \t]/g, '') !== prefix.replace(/[ \t]/g, '')) return null;
    const fields = readResultLine(raw.slice(content));
    if (!fields) return null;
    return {
      ...fields,
      span: { start: lineStart + content, end: lineEnd },
      lineSpan: { start: lineStart, end: this.lines.lineEndWithEol(line) },
      line,
    };
  }

  /** The evidence line: a one-line paragraph two lines below `aboveLine` (a blank line between). */
  private evidence(aboveLine: number, prefix: string, node: Nodes | undefined): Block['evidence'] {
    if (!node || node.type !== 'paragraph') return null;
    const line = aboveLine + 2;
    if (this.lines.line(this.start(node)) !== line || this.lines.line(this.end(node)) !== line) return null;
    const lineStart = this.lines.lineStart(line);
    const lineEnd = this.lines.lineEnd(line);
    const raw = this.text.slice(lineStart, lineEnd);
    const content = /^[ \t>]*/.exec(raw)![0].length;
    if (raw.slice(0, content).replace(/[ \t]/g, '') !== prefix.replace(/[ \t]/g, '')) return null;
    const entries = readEvidence(raw.slice(content));
    if (!entries) return null;
    const start = lineStart + content;
    return {
      entries: entries.map(({ offset, ...entry }) => ({ ...entry, line, column: this.lines.column(start + offset) })),
      span: { start, end: lineEnd },
      lineSpan: { start: this.lines.lineEndWithEol(aboveLine), end: this.lines.lineEndWithEol(line) },
      line,
    };
  }

  private table(node: MdTable): void {
    for (const row of node.children) this.inline(row);
    // A line holding a lone `|` ends a table on GitHub (cmark-gfm), and it and the lines after it
    // read as a paragraph; micromark takes it for a row and goes on.
    const lone = node.children.findIndex((row, i) => i > 0 && this.text.slice(this.start(row), this.end(row)).trim() === '|');
    const kept = lone === -1 ? node.children : node.children.slice(0, lone);
    const rows: Row[] = kept.map((row) => {
      const start = this.start(row);
      const end = this.end(row);
      const cells = splitRow(this.text, start, end);
      // The code spans of each cell, as GFM reads them (escapes, backtick runs, `\|`). Where a
      // backslash stands before `\|`, micromark ends the cell at that pipe and GitHub does not
      // (see splitRow): each cell of such a row is read on its own.
      if (/\\\\\|/.test(this.text.slice(start, end))) {
        for (const cell of cells) cell.code = cellCodeSpans(cell.raw);
      } else {
        row.children.forEach((cell, i) => {
          if (cells[i]) cells[i].code = codeSpans(cell);
        });
      }
      return { line: this.lines.line(start), span: { start, end }, cells };
    });
    const headerRow = rows.shift()!;
    const width = headerRow.cells.length;
    for (const row of rows) {
      row.cells.length = Math.min(row.cells.length, width);
      while (row.cells.length < width) row.cells.push(missingCell(row.span.end));
    }
    this.out.tables.push({
      index: this.out.tables.length,
      line: headerRow.line,
      span: { start: this.start(node), end: lone === -1 ? this.end(node) : this.end(kept.at(-1)!) },
      header: headerRow.cells.map((cell) => cell.text),
      align: node.align ?? [],
      headerRow,
      rows,
      section: null,
    });
  }
}

/** An unclosed fence's problem when the fence runs to the end of the document. */
export const FENCE_OPEN_TO_END = 'code fence is never closed; GitHub renders everything after it as code';
/** An unclosed fence's problem when the end of its list item or block quote ends the block. */
export const FENCE_ENDED_BY_CONTAINER = 'code fence is never closed; the end of its list item or block quote ends the block on GitHub, but a result line would have no closing fence to follow';

/** The text of `node` as it reads: a hard line break is a line break, as a soft one is. */
function plainText(node: Nodes): string {
  if (node.type === 'break') return '\n';
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return toString(node);
}

/** The text of every code span under `node`, in order. */
function codeSpans(node: Nodes): string[] {
  if (node.type === 'inlineCode') return [node.value];
  return 'children' in node ? (node.children as Nodes[]).flatMap(codeSpans) : [];
}
