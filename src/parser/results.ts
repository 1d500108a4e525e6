import type { BlockResult } from './types.js';

/**
 * The result line written after a block's closing fence. It is a plain paragraph, so every
 * renderer shows it, and it has a fixed shape, so the parser reads it back:
 *
 *     *runbook:* ✅ passed · exit 0 · 1.24 s · 2026-11-23T19:20:01Z · alice
 *
 * A block the operator edited before it ran says so after its outcome: `✅ passed · edited · exit 0 · …`.
 * A block on a group says where: `✅ passed on 3/3 hosts`, `❌ failed on db-2 (1 of 3)`.
 */
export const RESULT_PATTERN =
  /^(?:\*runbook:\*|_runbook:_)[ \t]+(?:\S+[ \t]+)?(passed|failed|timed out|canceled|skipped)(?:[ \t]+on[ \t]+([^·]*?))?[ \t]+·[ \t]+(?:(edited)[ \t]+·[ \t]+)?exit[ \t]+(\S+)[ \t]+·[ \t]+(\d+(?:\.\d+)?)[ \t]*(ms|s|min)[ \t]+·[ \t]+(\S+)[ \t]+·[ \t]*([^·]*?)(?:[ \t]+·[ \t]+(.*?))?[ \t]*$/;

/** The icon a result line shows before each outcome. */
export const RESULT_ICONS: Record<BlockResult['outcome'], string> = {
  passed: '✅',
  failed: '❌',
  'timed out': '⏱️',
  canceled: '⛔',
  skipped: '⏭️',
};

type ResultFields = Omit<BlockResult, 'span' | 'lineSpan' | 'line'>;

/** Reads a result line's fields, or null when the line is not one. */
export function readResultLine(line: string): ResultFields | null {
  const match = RESULT_PATTERN.exec(line.trim());
  if (!match) return null;
  const [, outcome, on, edited, exit, amount, unit, at, operator, reason] = match;
  const exitCode = /^-?\d+$/.test(exit!) ? Number(exit) : null;
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000;
  return {
    outcome: outcome as BlockResult['outcome'],
    ...(edited ? { edited: true } : {}),
    exitCode,
    durationMs: Math.round(Number(amount) * factor),
    at: at!,
    operator: readReason(operator!),
    reason: reason ? readReason(reason) : null,
    ...(on ? { on: readReason(on) } : {}),
  };
}

/**
 * Writes a result line's text (no container prefix, no line ending). A reason, when given, ends
 * the line: `*runbook:* ❌ failed · exit 7 · 0.31 s · … · alice · curl: (7) Failed to connect`.
 */
export function formatResultLine(result: ResultFields & { signal?: string | null }): string {
  const exit = result.exitCode ?? result.signal ?? '—';
  // A reason of nothing but control characters (a binary dump's last line) says nothing: none.
  const said = result.reason ? reasonText(result.reason) : '';
  const reason = said ? ` · ${said}` : '';
  const on = result.on ? ` on ${reasonText(result.on)}` : '';
  return `*runbook:* ${RESULT_ICONS[result.outcome]} ${result.outcome}${on}${result.edited ? ' · edited' : ''} · exit ${exit} · ${formatSeconds(result.durationMs)} · ${result.at} · ${operatorText(result.operator)}${reason}`;
}

/** The longest reason a result line carries, in characters. */
export const REASON_LENGTH = 80;

/**
 * A reason as a result line carries it: terminal escapes and control characters dropped, one
 * line, cut to `REASON_LENGTH` characters, and what Markdown would read as syntax escaped (a pipe
 * splits a table cell, a backtick opens a code span, `*`/`_` start emphasis, `<` a tag, `·` is
 * the line's own separator), so the line renders as written and reads back the same.
 */
export function reasonText(reason: string): string {
  const plain = oneLine(reason);
  const chars = [...plain];
  const cut = chars.length > REASON_LENGTH ? `${chars.slice(0, REASON_LENGTH - 1).join('')}…` : plain;
  return escapeMarkdown(cut);
}

/**
 * Text that may quote a command's output, as a table cell carries it: on one line, and what
 * Markdown would read as syntax escaped, except inside paired backticks (a code span, as runbook
 * writes one around a command: `` the check `false` did not pass ``).
 */
export function cellProse(text: string): string {
  return oneLine(text)
    .split(/(`[^`]+`)/)
    .map((part, i) => (i % 2 ? part : escapeMarkdown(part)))
    .join('');
}

/** Text on one line: terminal escapes and control characters dropped, `·` (the separator) made `-`. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '').replace(/[\x00-\x1f\x7f]+/g, ' ').replace(/\s+/g, ' ').replace(/·/g, '-').trim();
}

/**
 * What Markdown would read as syntax on a result line, escaped with a backslash. `_` within a word
 * (`api_v1`) can neither open nor close emphasis, and `&` starts an entity only as `&name;` or
 * `&#…;`: both are left as they are there, so a URL or an address stays the link GitHub makes of it
 * (an escape inside an autolink stays in the link).
 */
function escapeMarkdown(text: string): string {
  // `~` would strike through; it is escaped like the rest.
  return text.replace(/_+|&(?=#?\w+;)|[\\`|*<[\]~]/gu, (c, at: number) => {
    if (c[0] === '_' && /[\p{L}\p{N}]/u.test(text[at - 1] ?? '') && /[\p{L}\p{N}]/u.test(text[at + c.length] ?? '')) return c;
    return c.replace(/./gu, (one) => `\\${one}`);
  });
}

/**
 * An operator's name as a result line carries it: like a reason (`·` is the line's separator, and
 * `*x*` would render as emphasis), but never cut.
 */
function operatorText(name: string): string {
  return escapeMarkdown(oneLine(name) || 'unknown');
}

/** A reason as a result line carries it, unescaped. */
function readReason(text: string): string {
  return text.replace(/\\([\\`|*_<[\]&~])/g, '$1');
}

/** A duration as seconds with two decimals (`1.24 s`), the form result lines and cells use. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A bullet item with content, an item numbered 1, an ATX heading, a fence, `***` or `___`, a block quote, an HTML comment. */
const INTERRUPTS = /^ {0,3}(?:[-+*][ \t]+\S|1[.)][ \t]+\S|#{1,6}(?:[ \t]|$)|`{3,}[^`]*$|~{3,}|(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$|>|<!--)/;

/** Any list item's marker (any number, or none after it): what a line that leaves a list item may start. */
const ITEM = /^(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;

/**
 * Whether `line`, right after a paragraph written in a container whose lines start with `prefix`,
 * starts a block that ends that paragraph (CommonMark's rules for what may interrupt a paragraph).
 * Read inside the same container when the line carries its prefix. A line that leaves one of the
 * paragraph's containers (a quote marker fewer, or less indented than the list item's text) ends
 * it with any list item, whatever its number (`2.` continues the outer list, as GitHub reads it),
 * or any block that interrupts a paragraph; anything else there joins it as lazy continuation.
 */
export function endsParagraph(line: string, prefix: string): boolean {
  if (prefix !== '' && line.startsWith(prefix)) return INTERRUPTS.test(line.slice(prefix.length));
  const [quotes, indent] = containers(prefix);
  const [lineQuotes, lineIndent, rest] = containers(line);
  if (lineQuotes > quotes) return false;
  // Fewer quote markers leave a quote; as many, but less indented, leave the list item inside it.
  // (Read only where the line's blocks start at most three columns in: deeper, it may be lazy.)
  const leaves = lineIndent <= 3 && (lineQuotes < quotes ? lineQuotes === 0 : indent > 0 && lineIndent < indent);
  if (leaves) return ITEM.test(rest) || INTERRUPTS.test(rest);
  return quotes === 0 ? INTERRUPTS.test(line) : false;
}

/** How many quote markers start `line`, how far its text is indented after them (the one space a marker takes not counted; a tab as four), and that text. */
function containers(line: string): [quotes: number, indent: number, rest: string] {
  const [, marks = '', space = '', rest = ''] = /^((?:[ \t]*>)*)([ \t]*)(.*)$/s.exec(line) ?? [];
  const quotes = marks.split('>').length - 1;
  const width = [...space].reduce((sum, c) => sum + (c === '\t' ? 4 : 1), 0);
  return [quotes, quotes > 0 ? Math.max(0, width - 1) : width, rest];
}
