/** A time read from a cell: an instant when it has a date, else seconds since midnight. */
export type CellTime = { kind: 'instant'; ms: number } | { kind: 'clock'; seconds: number };

/**
 * Reads the times operators write: ISO 8601 (`2026-11-23T19:20:01Z`), `2026-11-23 19:20`,
 * with `Z` or `UTC` (or no zone, taken as UTC), and a bare clock time `19:20` or `19:20:05`.
 */
export function parseCellTime(text: string): CellTime | null {
  const t = text.replace(/[`*_]/g, '').trim();
  const full = /^(\d{4}-\d\d-\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?\s*(Z|UTC|[+-]\d\d:?\d\d)?$/i.exec(t);
  if (full) {
    const zone = !full[5] || /^(z|utc)$/i.test(full[5]) ? 'Z' : full[5].replace(/^([+-]\d\d)(\d\d)$/, '$1:$2');
    const ms = Date.parse(`${full[1]}T${full[2]}:${full[3]}:${full[4] ?? '00'}${zone}`);
    return Number.isNaN(ms) ? null : { kind: 'instant', ms };
  }
  const clock = /^(\d{1,2}):(\d\d)(?::(\d\d))?\s*(?:Z|UTC)?$/i.exec(t);
  if (clock && Number(clock[1]) < 24 && Number(clock[2]) < 60) {
    return { kind: 'clock', seconds: Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3] ?? 0) };
  }
  return null;
}
