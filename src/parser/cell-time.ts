import { wholeDuration } from './duration.js';

/**
 * A time read from a cell: an instant when it has a date, seconds since midnight for a clock
 * time, seconds from the drill's start for a relative one (`T+5m`).
 */
export type CellTime = { kind: 'instant'; ms: number } | { kind: 'clock'; seconds: number } | { kind: 'relative'; seconds: number };

const DATE = /^(\d{4}-\d\d-\d\d)(?:T|\s+)/i;
// 19:20, 19:20:05, 19:20:05.123, 7:20 pm, 7:20:05 P.M., 19h20
const CLOCK = /^(\d{1,2})(?::(\d\d)(?::(\d\d)(?:[.,]\d+)?)?|h(\d\d))\s*(?:([ap])\.?\s?m\.?)?/i;
/** A zone as written after a time or in a header: a name, `+01:00`, `UTC+1`, `GMT-05:30`. */
const ZONE_TEXT = '(?:UTC|GMT)?\\s*[+-]\\d{1,2}(?::?\\d\\d)?|Z|UTC|GMT|[A-Z]{2,4}';
const ZONE = new RegExp(`^\\s*(${ZONE_TEXT})?\\s*$`, 'i');

/** Zone abbreviations operators write after a time, as offsets from UTC in minutes. */
const ZONES: Record<string, number> = {
  Z: 0, UTC: 0, GMT: 0, WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, EET: 120, EEST: 180, MSK: 180,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  JST: 540, KST: 540, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
  IST: 330, SGT: 480, HKT: 480, PHT: 480, AWST: 480, ACST: 570, ACDT: 630, WIB: 420, ICT: 420, SAST: 120, BRT: -180, ART: -180,
  // Without daylight saving's letter, the standard offset (one table keeps to one of them).
  PT: -480, MT: -420, CT: -360, ET: -300,
};

/** The offset a zone names, in minutes; undefined for one this does not know. */
function offsetOf(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const numeric = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d\d))?$/i.exec(zone);
  if (numeric) return (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3] ?? 0));
  return ZONES[zone.toUpperCase()];
}

/**
 * The zone a column's header names for its times, `Time (CET)` or `At (+01:00)`, as an offset
 * from UTC in minutes; undefined when it names none (or one this does not know).
 */
export function headerZone(header: string): number | undefined {
  const zone = new RegExp(`\\((${ZONE_TEXT})\\)\\s*$`, 'i').exec(header.trim());
  return zone ? offsetOf(zone[1]!.toUpperCase()) : undefined;
}

/**
 * Reads the times operators write: ISO 8601 (`2026-11-23T19:20:01Z`), `2026-11-23 19:20`, and a
 * bare clock time: `19:20`, `19:20:05`, `7:20 pm`, `19h20`; with `Z`, `UTC`, an offset (`+01:00`)
 * or a common zone name (`CET`, `BST`, `PDT`, …), else in the zone `zone` (minutes from UTC: the
 * column header's, see `headerZone`), else taken as UTC. Clock times are kept in UTC, so a column
 * that mixes zones still reads in order.
 */
export function parseCellTime(text: string, zone = 0): CellTime | null {
  let t = text
    .replace(/[`*_]/g, '')
    .trim()
    // A remark after the time, `14:25 (alert fired)`, and a sign that it is approximate, `~14:40`.
    .replace(/\s*[([][^)\]]*[)\]]$/, '')
    .replace(/^[~≈]\s*/, '');
  const relative = relativeTime(t);
  if (relative !== undefined) return relative === null ? null : { kind: 'relative', seconds: relative };
  const date = DATE.exec(t);
  if (date) t = t.slice(date[0].length);
  const clock = CLOCK.exec(t);
  if (!clock) return null;
  const named = ZONE.exec(t.slice(clock[0].length));
  if (!named) return null;
  let hours = Number(clock[1]);
  const minutes = Number(clock[2] ?? clock[4]);
  const seconds = Number(clock[3] ?? 0);
  const half = clock[5]?.toLowerCase();
  if (half) {
    if (hours < 1 || hours > 12) return null;
    hours = (hours % 12) + (half === 'p' ? 12 : 0);
  }
  if (hours > 23 || minutes > 59 || seconds > 60) return null;
  const offset = named[1] ? offsetOf(named[1]) : zone;
  if (offset === undefined) return null;
  const local = hours * 3600 + minutes * 60 + seconds;
  if (!date) return { kind: 'clock', seconds: (((local - offset * 60) % 86400) + 86400) % 86400 };
  const ms = Date.parse(`${date[1]}T00:00:00Z`);
  // Date.parse rolls 2026-02-30 over into March; a day that does not exist is not a time.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date[1]) return null;
  return { kind: 'instant', ms: ms + (local - offset * 60) * 1000 };
}

/**
 * A time relative to the start of the drill, in seconds: `T0`, `T+0`, `T+5m`, `T+5` (minutes,
 * a drill's usual step), `T+1h30m`, `T + 90 s`, `T-10 min`, `T+02:30` (mm:ss) or `T+1:02:30`.
 * Undefined when the text is not written that way; null when it is but the rest does not read.
 */
function relativeTime(t: string): number | null | undefined {
  const head = /^T\s*(?:0|([+-])\s*(.+))$/i.exec(t);
  if (!head) return undefined;
  if (head[1] === undefined) return 0;
  const seconds = wholeDuration(head[2]!, 'm');
  return seconds === null ? null : (head[1] === '-' ? -1 : 1) * seconds;
}

/**
 * Whether `later` comes before `earlier`. Clock times carry no date: one that is more than
 * twelve hours "earlier" is read as the next day (a drill that runs past midnight). A dated time
 * and a clock time are compared by their time of day (both in UTC), the same way.
 */
export function runsBackwards(earlier: CellTime, later: CellTime): boolean {
  if (earlier.kind === 'instant' && later.kind === 'instant') return later.ms < earlier.ms;
  const first = ofDay(earlier);
  const then = ofDay(later);
  if (first !== null && then !== null) return then < first && first - then <= 12 * 3600;
  if (earlier.kind === 'relative' && later.kind === 'relative') return later.seconds < earlier.seconds;
  return false;
}

/** Seconds since midnight UTC of a clock time or a dated one; null for a relative time. */
function ofDay(time: CellTime): number | null {
  if (time.kind === 'clock') return time.seconds;
  return time.kind === 'instant' ? (((Math.floor(time.ms / 1000) % 86400) + 86400) % 86400) : null;
}
