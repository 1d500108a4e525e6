/**
 * The one duration grammar: block options, command-line flags, measured and gate cells, and the
 * relative times of a drill (`T+1h30m`) all read durations with it. A duration is either a clock
 * (`2:30` is 2 min 30 s, `1:02:30` an hour and more) or one or more numbers with a unit, added up
 * (`90s`, `1h30m`, `4m 30s`, `1 h, 5 min`, `1h and 5m`). A lone number without a unit is allowed
 * too; what it counts depends on where it is written, so each entry point says.
 */

const UNITS: Record<string, number> = {
  ms: 0.001,
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
};

/** The unit words of the grammar, as a regular expression group (for gates: `< 60 s`). */
export const UNIT = '(ms|secs?|seconds?|s|mins?|minutes?|m|hours?|hrs?|h)';

/** How a well-formed duration is written, for messages. */
export const DURATION_EXAMPLES = '30s, 5m, 1h30m';

/** Seconds in one of the unit words `UNIT` matches. */
export function unitSeconds(unit: string): number {
  return UNITS[unit.toLowerCase()] ?? 1;
}

// A number and its unit; the unit ends where letters do, so `4m30s` reads as two parts. The
// number may have a decimal point or comma (`1.5 min`, `3,5 min`); a comma before exactly three
// digits separates thousands (`1,500 ms`).
const PART = new RegExp(`(\\d+(?:,\\d{3}(?![\\d,]))+|\\d+(?:[.,]\\d+)?)\\s*${UNIT}?(?![a-z])`, 'iy');
// What may stand between two parts: spaces, a comma, `and`.
const JOIN = /\s*,?\s*(?:and\s+)?/iy;
const CLOCK = /(\d+):([0-5]\d)(?::([0-5]\d))?(?![\d:])/y;

/** A duration found in a text: its value in seconds and where it ends. */
interface Reading {
  seconds: number;
  end: number;
  /** True for a lone number without a unit, whose meaning the caller decides. */
  bare: boolean;
}

/** Reads the duration that starts exactly at `at`, or null. */
export function readAt(text: string, at: number): Reading | null {
  CLOCK.lastIndex = at;
  const clock = CLOCK.exec(text);
  if (clock) {
    const [a, b, c] = [Number(clock[1]), Number(clock[2]), clock[3] === undefined ? null : Number(clock[3])];
    return { seconds: c === null ? a * 60 + b : a * 3600 + b * 60 + c, end: CLOCK.lastIndex, bare: false };
  }
  PART.lastIndex = at;
  const first = PART.exec(text);
  if (!first) return null;
  if (first[2] === undefined) return { seconds: numberOf(first[1]!), end: PART.lastIndex, bare: true };
  let unit = unitSeconds(first[2]);
  let seconds = numberOf(first[1]!) * unit;
  let end = PART.lastIndex;
  // Further parts, each with its unit: `4m 30s`, `1 h, 5 min`, `1h and 5m`; or right after an hour
  // or a minute, a whole number of the next smaller unit (`1h45`, `1m30`).
  for (;;) {
    JOIN.lastIndex = end;
    JOIN.exec(text);
    PART.lastIndex = JOIN.lastIndex;
    const next = PART.exec(text);
    if (!next) break;
    if (next[2] === undefined) {
      const smaller = SMALLER[unit];
      if (JOIN.lastIndex !== end || smaller === undefined || !/^\d{1,2}$/.test(next[1]!)) break;
      unit = smaller;
    } else unit = unitSeconds(next[2]);
    seconds += numberOf(next[1]!) * unit;
    end = PART.lastIndex;
  }
  return { seconds, end, bare: false };
}

/** The unit a bare number right after an hour or a minute counts. */
const SMALLER: Partial<Record<number, number>> = { 3600: 60, 60: 1 };

/** A number as `PART` reads it: thousands separators dropped, a decimal comma made a point. */
function numberOf(text: string): number {
  return Number(/^\d+(?:,\d{3})+$/.test(text) ? text.replaceAll(',', '') : text.replace(',', '.'));
}

/**
 * A whole text as a duration in seconds, or null when anything else is written. A lone number
 * counts `bareUnit`: seconds for options and flags, minutes for a drill's relative times.
 */
export function wholeDuration(text: string, bareUnit: 's' | 'm'): number | null {
  const t = text.trim();
  const reading = readAt(t, 0);
  if (!reading || reading.end !== t.length) return null;
  return reading.bare ? reading.seconds * unitSeconds(bareUnit) : reading.seconds;
}

/**
 * A duration option or flag in milliseconds (`90s`, `5m`, `1h30m`, `500ms`, `2:30`, or a number
 * of seconds), or null when the text is not one.
 */
export function durationMs(text: string): number | null {
  const seconds = wholeDuration(text, 's');
  return seconds === null ? null : Math.round(seconds * 1000);
}

/** What to say about text that is not a duration: `abc is not a duration (30s, 5m, 1h30m)`. */
export function notADuration(text: string): string {
  return `${text} is not a duration (${DURATION_EXAMPLES})`;
}

/**
 * A duration in seconds written somewhere in a cell, as operators measure them: `42 s`,
 * `1.5 min`, `850ms`, `12` (seconds, or `bareUnit` seconds each: see `headerUnit`), `4m 30s`,
 * `✅ 1.46 s`, `3 min (manual)`, `2:30`. Markdown emphasis and code marks are ignored; null when
 * no number is there.
 */
export function parseDurationText(text: string, bareUnit = 1): number | null {
  const t = text.replace(/[`*_]/g, '');
  // The first number that is not inside a longer one starts the duration.
  for (const start of t.matchAll(/(?<![\d.:])\d/g)) {
    const reading = readAt(t, start.index);
    if (reading) return reading.bare ? reading.seconds * bareUnit : reading.seconds;
  }
  return null;
}

const HEADER_UNIT = new RegExp(`\\(\\s*${UNIT}\\s*\\)\\s*$`, 'i');

/** The unit a column's header gives its bare numbers (`Duration (ms)`, `RTO (min)`), in seconds; 1 when it names none. */
export function headerUnit(header: string): number {
  const unit = HEADER_UNIT.exec(header.replace(/[`*_]/g, '').trim());
  return unit ? unitSeconds(unit[1]!) : 1;
}
