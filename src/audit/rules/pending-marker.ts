import type { Rule } from '../types.js';

/** Words and signs that say "not done yet", left in the document outside code blocks. */
export const pendingMarker: Rule = {
  id: 'pending-marker',
  severity: 'error',
  description: 'A pending marker (🟡, ⏳, PENDING, WIP) is left in the document.',
  check({ model, text, pendingWords }) {
    const escaped = pendingWords.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const pattern = new RegExp(`(?:${escaped.map((w) => (/^\w/.test(w) ? `\\b${w}\\b` : w)).join('|')})`, 'gu');
    const code = model.blocks.map((b) => [b.span.start, b.span.end] as const);
    const hits = [];
    let line = 1;
    let lineStart = 0;
    for (const match of text.matchAll(pattern)) {
      const at = match.index!;
      if (code.some(([s, e]) => at >= s && at < e)) continue;
      for (let i = lineStart; i < at; i++) if (text[i] === '\n') (line++, (lineStart = i + 1));
      hits.push({ line, column: at - lineStart + 1, message: `pending marker "${match[0]}"` });
    }
    return hits;
  },
};
