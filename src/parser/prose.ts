import type { Nodes, PhrasingContent, Table as MdTable } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { parseChunks } from './chunks.js';

/** Inline content as terminal text: emphasis dropped, code kept in backticks, links with their target. */
function inline(nodes: PhrasingContent[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return node.value;
        case 'inlineCode':
          return `\`${node.value}\``;
        case 'break':
          return '\n';
        case 'link':
          return /^https?:/.test(node.url) && toString(node) !== node.url ? `${inline(node.children)} (${node.url})` : inline(node.children);
        case 'html':
          return '';
        default:
          return 'children' in node ? inline(node.children as PhrasingContent[]) : toString(node);
      }
    })
    .join('');
}

function table(node: MdTable): string[] {
  // As GitHub shows it: a row has the header's number of cells; cells beyond it are dropped.
  const columns = node.children[0]?.children.length ?? 0;
  const rows = node.children.map((row) => row.children.slice(0, columns).map((cell) => inline(cell.children).trim()));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' │ ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.slice(1).map(line)];
}

function block(node: Nodes, out: string[], indent: string): void {
  switch (node.type) {
    case 'heading':
      out.push(`${indent}▌ ${inline(node.children)}`);
      break;
    case 'paragraph':
      for (const line of inline(node.children).split('\n')) out.push(`${indent}${line}`);
      break;
    case 'list':
      node.children.forEach((item, i) => {
        const mark = item.checked === true ? '☑ ' : item.checked === false ? '☐ ' : node.ordered ? `${(node.start ?? 1) + i}. ` : '• ';
        const inner: string[] = [];
        for (const child of item.children) block(child, inner, '');
        const [first = '', ...rest] = inner;
        out.push(`${indent}${mark}${first}`);
        for (const line of rest) out.push(`${indent}${' '.repeat(mark.length)}${line}`);
      });
      break;
    case 'blockquote':
      for (const child of node.children) block(child, out, `${indent}│ `);
      break;
    case 'table':
      for (const line of table(node)) out.push(`${indent}${line}`);
      break;
    case 'thematicBreak':
      out.push(`${indent}───`);
      break;
    default:
      // Code is shown on its own; HTML and definitions are not prose.
      break;
  }
}

/**
 * The prose of `text[start, end)` as lines a terminal shows readably: headings marked, lists with
 * bullets or checkboxes, emphasis dropped, inline code in backticks, tables as aligned columns.
 */
export function renderProse(text: string, start: number, end: number): string[] {
  const out: string[] = [];
  for (const chunk of parseChunks(text, start, end)) for (const node of chunk.tree.children) block(node as Nodes, out, '');
  return out;
}
