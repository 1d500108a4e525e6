/**
 * Link reference definitions (`[label]: url`) are document-wide in GFM (spec section 4.7): a
 * reference in one chunk may be defined in another. Each chunk is parsed with the definitions it
 * references from elsewhere appended after it, where they change no offset of its own.
 */

/** A one-line definition at the start of a line: up to 3 spaces, `[label]:`, a destination. */
const DEFINITION = /^ {0,3}\[((?:[^\\\]\r\n]|\\.){1,999})\]:[ \t]*(<[^>\r\n]*>|[^\s<][^\s]*)(?:[ \t]+("[^"\r\n]*"|'[^'\r\n]*'|\([^)\r\n]*\)))?[ \t]*$/gm;

/** A bracketed label that may be a reference: `[text]`, `[text][label]` or `[label][]`. */
const LABEL = /\[((?:[^\\\]\[\r\n]|\\.){1,999})\]/g;

interface Definition {
  at: number;
  source: string;
}

let cache: { text: string; byLabel: Map<string, Definition> } | null = null;

/** Labels compare case-insensitively with inner whitespace collapsed (spec section 4.7). */
function normalize(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

function definitionsOf(text: string): Map<string, Definition> {
  if (cache?.text === text) return cache.byLabel;
  const byLabel = new Map<string, Definition>();
  if (text.includes(']:')) {
    const code = fencedLines(text);
    for (const match of text.matchAll(DEFINITION)) {
      if (inside(code, match.index!)) continue;
      const key = normalize(match[1]!);
      // The first definition of a label wins.
      if (key && !byLabel.has(key)) byLabel.set(key, { at: match.index!, source: match[0].trim() });
    }
  }
  cache = { text, byLabel };
  return byLabel;
}

/** A fence opening or closing a line, after any block quote markers and indentation. */
const FENCE = /^[ \t>]*(`{3,}|~{3,})/gm;

/** The spans of fenced code (fence lines included), sorted, as a line scan finds them. */
function fencedLines(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let open: { at: number; fence: string } | null = null;
  for (const match of text.matchAll(FENCE)) {
    const fence = match[1]!;
    if (!open) open = { at: match.index!, fence };
    else if (fence[0] === open.fence[0] && fence.length >= open.fence.length && /^[ \t]*$/.test(text.slice(match.index! + match[0].length, text.indexOf('\n', match.index!) >>> 0))) {
      spans.push([open.at, match.index! + match[0].length]);
      open = null;
    }
  }
  if (open) spans.push([open.at, text.length]);
  return spans;
}

function inside(spans: Array<[number, number]>, at: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]![1] <= at) lo = mid + 1;
    else if (spans[mid]![0] > at) hi = mid - 1;
    else return true;
  }
  return false;
}

/**
 * The definitions that `text[from, to)` may reference but that stand outside it, as lines to
 * append after it (empty when there are none).
 */
export function foreignDefinitions(text: string, from: number, to: number): string {
  const slice = text.slice(from, to);
  if (!slice.includes('[')) return '';
  // Task boxes and inline links are the brackets most documents hold; they reference nothing.
  const labels = new Set<string>();
  for (const match of slice.matchAll(LABEL)) {
    const key = normalize(match[1]!);
    if (key && key !== 'x' && slice.charCodeAt(match.index! + match[0].length) !== 40 /* ( */) labels.add(key);
  }
  if (labels.size === 0) return '';
  const byLabel = definitionsOf(text);
  const wanted = new Set<Definition>();
  for (const key of labels) {
    const found = byLabel.get(key);
    if (found && (found.at < from || found.at >= to)) wanted.add(found);
  }
  return [...wanted].map((d) => d.source).join('\n');
}
