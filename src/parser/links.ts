import type { Nodes } from 'mdast';
import { parseChunks } from './chunks.js';
import { readFrontMatter } from './frontmatter.js';
import { LineIndex } from './lines.js';

/** A link or image destination written in a document. */
export interface Link {
  url: string;
  line: number;
  column: number;
  kind: 'link' | 'image' | 'definition';
}

/** Every link, image and link reference definition in a document, in order. */
export function findLinks(text: string): Link[] {
  const lines = new LineIndex(text);
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const frontMatter = readFrontMatter(text, start, lines, []);
  const links: Link[] = [];
  for (const chunk of parseChunks(text, frontMatter ? frontMatter.span.end : start, text.length)) {
    const visit = (node: Nodes) => {
      if (node.type === 'link' || node.type === 'image' || node.type === 'definition') {
        const offset = chunk.start + (node.position?.start.offset ?? 0);
        links.push({ url: node.url, line: lines.line(offset), column: lines.column(offset), kind: node.type });
      }
      if ('children' in node) for (const child of node.children as Nodes[]) visit(child);
    };
    visit(chunk.tree);
  }
  return links;
}
