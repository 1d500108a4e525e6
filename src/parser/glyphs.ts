/**
 * Checkboxes drawn with signs instead of GFM's `[ ]`: `□`, `☐` and `⬜` unticked; `☑`, `☒`, `■`,
 * `✓` and `✅` ticked. Documents kept for reviews and incidents write them as list items
 * (`- □ item`), as lines of a plain fenced block and as table cells. GitHub shows them as the
 * signs they are, so they are an extension of GFM's tasks, never one of them.
 */

/** Signs that stand for a box not ticked yet. */
const UNTICKED = new Set(['□', '☐', '⬜']);
/** Signs that stand for a ticked box. */
const TICKED = new Set(['☑', '☒', '■', '✓', '✅']);

/**
 * A sign followed by a space or tab: how a glyph checkbox starts its item or line. The sign may
 * carry the emoji variation selector (U+FE0F), as emoji pickers type it: `⬜️` is the same box.
 */
export const GLYPH_START = /^([□☐⬜☑☒■✓✅]\uFE0F?)[ \t]+(?=\S)/u;

/** Whether `sign` (with or without the variation selector) is a glyph checkbox, and ticked. */
export function glyphState(sign: string): 'unticked' | 'ticked' | null {
  const plain = sign.replace(/\uFE0F/g, '');
  return UNTICKED.has(plain) ? 'unticked' : TICKED.has(plain) ? 'ticked' : null;
}

/** The signs a glyph box writes when ticked and when unticked. */
export interface GlyphPair {
  unticked: string;
  ticked: string;
}

/** `⬜`/`✅` pair with each other; the ballot signs (`☐`, `□`, `☑`, `☒`, `■`, `✓`) among themselves. */
const isSquare = (sign: string) => sign === '⬜' || sign === '✅';

/**
 * The sign that puts a box drawn with `sign` in `state`, as its group (the lines of its fence,
 * the items of its list, the cells of its column) pairs them: the sign of that state the group
 * uses most among signs of the box's kind, and where the group has none yet, the usual partner
 * (`□`/`☐`→`☑`, `⬜`→`✅`; `✅`→`⬜`, `■`/`✓`→`□`, `☑`/`☒`→`☐`). The sign itself when it is in
 * that state already.
 */
export function pairedSign(sign: string, state: 'ticked' | 'unticked', group: string[]): string {
  const plain = sign.replace(/\uFE0F/g, '');
  const wanted = state === 'ticked' ? (s: string) => TICKED.has(s) : (s: string) => UNTICKED.has(s);
  if (wanted(plain)) return plain;
  const counts = new Map<string, number>();
  for (const raw of group) {
    const other = raw.replace(/\uFE0F/g, '');
    if (wanted(other) && isSquare(other) === isSquare(plain)) counts.set(other, (counts.get(other) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [other, count] of counts) if (best === null || count > counts.get(best)!) best = other;
  if (best !== null) return best;
  if (state === 'ticked') return isSquare(plain) ? '✅' : '☑';
  return isSquare(plain) ? '⬜' : plain === '■' || plain === '✓' ? '□' : '☐';
}

/** Both signs of a box drawn with `sign`, as its group pairs them. */
export function glyphPair(sign: string, group: string[]): GlyphPair {
  return { unticked: pairedSign(sign, 'unticked', group), ticked: pairedSign(sign, 'ticked', group) };
}

/** One line of a fenced block that is a glyph checkbox. */
export interface GlyphLine {
  /** Offset of the sign in the document. */
  at: number;
  sign: string;
  text: string;
}

/**
 * The checkbox lines of a plain fenced block (no language, or `text`/`txt`/`plain`), when the
 * block is a checklist: at least two of its non-blank lines start (after indentation) with a sign
 * and a space, and they are at least half of its non-blank lines. The other lines are labels
 * (`PRE-GAME:`) and notes. A block that is mostly something else keeps its signs as text.
 * `lines` are the block's lines as written, container prefixes (`> `, indentation) included.
 */
export function glyphLines(lang: string, lines: Array<{ start: number; text: string }>): GlyphLine[] {
  if (!['', 'text', 'txt', 'plain', 'plaintext'].includes(lang.toLowerCase())) return [];
  const found: GlyphLine[] = [];
  let nonBlank = 0;
  for (const { start, text } of lines) {
    const indent = /^[ \t>]*/.exec(text)![0].length;
    if (indent === text.length) continue;
    nonBlank++;
    const sign = GLYPH_START.exec(text.slice(indent));
    if (sign) found.push({ at: start + indent, sign: sign[1]!, text: text.slice(indent + sign[0].length).trim() });
  }
  return found.length >= 2 && found.length * 2 >= nonBlank ? found : [];
}
