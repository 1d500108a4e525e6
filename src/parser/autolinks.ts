import type { Nodes } from 'mdast';
import type { Data, Processor } from 'unified';

/** An extension of the Markdown-to-mdast step, or a list of them, as remark-gfm adds them. */
type Extensions = NonNullable<Data['fromMarkdownExtensions']>[number];

/**
 * What text must hold for GFM to find an autolink literal in it: `@` (an e-mail address, and
 * every `mailto:` and `xmpp:` one), `http://` or `https://`, or `www.`, in any case.
 */
const LITERAL = /@|https?:\/\/|www\./i;

/** Whether any text in `node` could hold an autolink literal (text inside links included). */
export function mayHoldAutolinkLiteral(node: Nodes): boolean {
  if (node.type === 'text') return LITERAL.test(node.value);
  return 'children' in node && node.children.some(mayHoldAutolinkLiteral);
}

/**
 * GFM finds autolink literals (`www.example.com`, `ops@example.com`) after parsing, by walking the
 * whole tree once for each of its four patterns with a path of ancestors for every node: a seventh
 * of parsing a session doc. A tree none of whose text could hold one is left as it is without the
 * walks; any other is handed to GFM's own transform, so the tree is the same either way.
 */
export function autolinkLiteralsWhereAny(this: Processor): undefined {
  const guard = (extension: Extensions): void => {
    if (Array.isArray(extension)) return extension.forEach(guard);
    if (!extension.enter?.literalAutolink || !extension.transforms) return;
    extension.transforms = extension.transforms.map((transform) => (tree) => (mayHoldAutolinkLiteral(tree) ? transform(tree) : undefined));
  };
  (this.data().fromMarkdownExtensions ?? []).forEach(guard);
}
