/**
 * Output and code as the screen can hold them: one line of text, as wide as it looks, never wider
 * than the pane. A block's output is whatever its programs wrote to a terminal they did not own,
 * so everything that moves a cursor is taken out before the line is measured.
 */

/** Escape sequences: CSI (colour ends in `m`), OSC (titles, links) and two-character ones. */
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]?/g;
const SGR = /^\x1b\[[0-9;:]*m$/;
/** Control characters other than tab and escape; they draw nothing or move the cursor. */
const CONTROLS = /[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f]/g;
const TAB = 8;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const WIDE = /^[\p{Emoji_Presentation}\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]$/u;

/** How many columns one character takes: 0 for combining marks, 2 for wide ones (CJK, emoji), else 1. */
export function charWidth(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  return WIDE.test(char) ? 2 : 1;
}

/** Splits a line into its colour codes (no width) and its characters. */
function tokens(line: string): Array<{ sgr: string } | { char: string }> {
  const out: Array<{ sgr: string } | { char: string }> = [];
  let at = 0;
  for (const match of line.matchAll(/\x1b\[[0-9;:]*m/g)) {
    for (const char of line.slice(at, match.index)) out.push({ char });
    out.push({ sgr: match[0] });
    at = match.index + match[0].length;
  }
  for (const char of line.slice(at)) out.push({ char });
  return out;
}

/** How many columns a cleaned line takes on screen. */
export function displayWidth(line: string): number {
  let width = 0;
  for (const token of tokens(line)) if ('char' in token) width += charWidth(token.char);
  return width;
}

/**
 * What a line of a block's output looks like once its carriage returns have drawn over it: a
 * progress bar redraws the whole line, so the last part that says something is its last state.
 */
export function lastReturn(line: string): string {
  if (!line.includes('\r')) return line;
  const parts = line.split('\r');
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i]!.replace(ESCAPES, '') !== '') return parts[i]!;
  return '';
}

/**
 * One line of output made safe to draw: carriage returns collapsed to the last state, cursor
 * movement and erase sequences dropped, colour kept only when the screen shows colour, other
 * control characters dropped, tabs expanded to 8-column stops.
 */
export function cleanLine(raw: string, color: boolean): string {
  const line = lastReturn(raw)
    .replace(ESCAPES, (seq) => (color && SGR.test(seq) ? seq : ''))
    .replace(CONTROLS, '');
  if (!line.includes('\t')) return line;
  let out = '';
  let column = 0;
  for (const token of tokens(line)) {
    if ('sgr' in token) out += token.sgr;
    else if (token.char === '\t') {
      const pad = TAB - (column % TAB);
      out += ' '.repeat(pad);
      column += pad;
    } else {
      out += token.char;
      column += charWidth(token.char);
    }
  }
  return out;
}

/** A cleaned line cut to `width` columns, ending in `…` when something was cut. */
export function fit(line: string, width: number): string {
  if (displayWidth(line) <= width) return line;
  let out = '';
  let column = 0;
  let colored = false;
  for (const token of tokens(line)) {
    if ('sgr' in token) {
      out += token.sgr;
      colored = true;
      continue;
    }
    const w = charWidth(token.char);
    if (column + w > width - 1) break;
    out += token.char;
    column += w;
  }
  return `${out}${colored ? '\x1b[0m' : ''}…`;
}

/** A raw line as the screen draws it after a margin: cleaned (its tabs count from its own start), then cut to the pane. */
export function screenLine(raw: string, width: number, color: boolean, margin = ''): string {
  return fit(margin + cleanLine(raw, color), width);
}
