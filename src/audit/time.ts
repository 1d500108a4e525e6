/** A time read from a cell: an instant when it has a date, else seconds since midnight. */
export type CellTime = { kind: 'instant'; ms: number } | { kind: 'clock'; seconds: number };

const DATE = /^(\d{4}-\d\d-\d\d)(?:T|\s+)/i;
// 19:20, 19:20:05, 19:20:05.123, 7:20 pm, 7:20:05 P.M., 19h20
const CLOCK = /^(\d{1,2})(?::(\d\d)(?::(\d\d)(?:[.,]\d+)?)?|h(\d\d))\s*(?:([ap])\.?\s?m\.?)?/i;
const ZONE = /^\s*(Z|UTC|GMT|[+-]\d\d:?\d\d)?\s*$/i;

/**
 * Reads the times operators write: ISO 8601 (`2026-11-23T19:20:01Z`), `2026-11-23 19:20`, with
 * `Z`, `UTC`, `GMT` or an offset (no zone is taken as UTC), and a bare clock time: `19:20`,
 * `19:20:05`, `7:20 pm`, `19h20`.
 */
export function parseCellTime(text: string): CellTime | null {
  let t = text.replace(/[`*_]/g, '').trim();
  const date = DATE.exec(t);
  if (date) t = t.slice(date[0].length);
  const clock = CLOCK.exec(t);
  if (!clock) return null;
  const zone = ZONE.exec(t.slice(clock[0].length));
  if (!zone) return null;
  let hours = Number(clock[1]);
  const minutes = Number(clock[2] ?? clock[4]);
  const seconds = Number(clock[3] ?? 0);
  const half = clock[5]?.toLowerCase();
  if (half) {
    if (hours < 1 || hours > 12) return null;
    hours = (hours % 12) + (half === 'p' ? 12 : 0);
  }
  if (hours > 23 || minutes > 59 || seconds > 60) return null;
  if (!date) return zone[1] && !/^(z|utc|gmt)$/i.test(zone[1]) ? null : { kind: 'clock', seconds: hours * 3600 + minutes * 60 + seconds };
  const offset = !zone[1] || /^(z|utc|gmt)$/i.test(zone[1]) ? 'Z' : zone[1].replace(/^([+-]\d\d)(\d\d)$/, '$1:$2');
  const pad = (n: number) => String(n).padStart(2, '0');
  const ms = Date.parse(`${date[1]}T${pad(hours)}:${pad(minutes)}:${pad(Math.min(seconds, 59))}${offset}`);
  return Number.isNaN(ms) ? null : { kind: 'instant', ms };
}

/**
 * Whether `later` comes before `earlier`. Clock times carry no date: one that is more than
 * twelve hours "earlier" is read as the next day (a drill that runs past midnight).
 */
export function runsBackwards(earlier: CellTime, later: CellTime): boolean {
  if (earlier.kind !== later.kind) return false;
  if (earlier.kind === 'instant' && later.kind === 'instant') return later.ms < earlier.ms;
  const a = (earlier as { seconds: number }).seconds;
  const b = (later as { seconds: number }).seconds;
  return b < a && a - b <= 12 * 3600;
}
