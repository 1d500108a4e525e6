import { TIME_COLUMN } from '../../parser/index.js';

/** The 1-based column of an offset on its line. */
export function cellColumn(text: string, offset: number): number {
  return offset - text.lastIndexOf('\n', offset - 1);
}

/** Columns the engine fills with times and durations. */
export const isTimeColumn = (header: string) => TIME_COLUMN.test(header.replace(/[`*_]/g, '').trim());

/**
 * What templates put where an answer goes: `<name>`, `{{value}}`, `e.g. …`, a blank to write on
 * (`___`), a format to follow (`hh:mm`, `YYYY-MM-DD HH:MM`, `XX:XX`, `xx s`), an instruction
 * (`(fill in)`, `[to fill]`), a handle to replace (`@name`), or a state that is not an answer
 * yet (`pending`, `WIP`, `in progress`).
 */
const HINTS = [
  // `<hostname>`, `<your name>`; not an autolink, which renders as a link (`<https://…>`, `<oncall@example.com>`).
  /^<(?![A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>$)(?![A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*>$)[^>]+>$/,
  /^\{\{[^}]*\}\}$/,
  /^_?\(?e\.g\.[,:]?\s/i,
  /^_{3,}$/,
  /^(?=.*(?:hh|HH|YYYY|yyyy))[YyMDdHhmSsTZ:.\-/ ]+(?: ?UTC)?$/,
  /^[xX]{2,}(?:[:.\-/][xX]{2,})*(?: ?(?:s|ms|min|%))?$/,
  /^[([<]?\s*(?:fill(?: me)?(?: in)?|to (?:be )?fill(?:ed)?(?: in)?)\s*[)\]>]?$/i,
  /^@(?:name|handle|user(?:name)?|owner|who|you)$/i,
  /^(?:pending|wip|in progress)$/i,
];
/** Whether a cell holds a template's hint rather than an answer. */
export const isHint = (text: string) => HINTS.some((hint) => hint.test(text));
