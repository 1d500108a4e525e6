import { TIMELINE_CLOSE, TIMELINE_CLOSE_LINE as CLOSE, TIMELINE_OPEN, TIMELINE_OPEN_LINE as OPEN, type LineEnding } from '../parser/index.js';
import type { Edit } from './edits.js';

/** Where the timeline block is: from its opening comment to the end of its closing comment's line (whole lines only). */
export function findTimeline(text: string): { start: number; end: number } | null {
  const open = OPEN.exec(text);
  if (!open) return null;
  const close = CLOSE.exec(text.slice(open.index));
  if (!close) return null;
  return { start: open.index, end: open.index + close.index + close[0].length };
}

/** The timeline block: the markers around a fenced block of `lang` holding `body`. */
function blockText(lang: string, body: string, eol: LineEnding): string {
  const fence = body.includes('```') ? '~~~~' : '```';
  return [TIMELINE_OPEN, `${fence}${lang}`, ...body.split('\n'), fence, TIMELINE_CLOSE].join(eol);
}

/**
 * The edit that writes the timeline: the block already there is replaced where it stands (never
 * a second one), else a new one goes at the end after a blank line. The file's line ending and
 * its final newline, or lack of one, are kept.
 */
export function timelineEdit(text: string, lang: string, body: string, eol: LineEnding): Edit {
  const block = blockText(lang, body, eol);
  const found = findTimeline(text);
  if (found) {
    const ending = /(\r\n|\r|\n)$/.exec(text.slice(found.start, found.end))?.[1] ?? '';
    return { ...found, text: block + ending };
  }
  const endsWithEol = /(?:\r\n|\r|\n)$/.test(text);
  return { start: text.length, end: text.length, text: endsWithEol ? `${eol}${block}${eol}` : `${eol}${eol}${block}` };
}

/** The edit that removes the timeline block and the blank line written before it, if there is one. */
export function removeTimelineEdits(text: string): Edit[] {
  const found = findTimeline(text);
  if (!found) return [];
  const closed = /(?:\r\n|\r|\n)$/.test(text.slice(found.start, found.end));
  // Written after a blank line: one line ending goes with it, two when the file had no final newline.
  const before = /((?:\r\n|\r|\n){1,2})$/.exec(text.slice(Math.max(0, found.start - 4), found.start))?.[1] ?? '';
  const endings = before.match(/\r\n|\r|\n/g) ?? [];
  const take = endings.length < 2 ? 0 : closed || found.end < text.length ? endings.at(-1)!.length : before.length;
  return [{ start: found.start - take, end: found.end, text: '' }];
}
