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

const UNITS: Record<string, number> = { ms: 0.001, s: 1, sec: 1, secs: 1, second: 1, seconds: 1, m: 60, min: 60, mins: 60, minute: 60, minutes: 60, h: 3600, hr: 3600, hour: 3600, hours: 3600 };

/** A duration in seconds from text like `42 s`, `1.5 min`, `850ms`, `12` (seconds). */
export function parseDurationText(text: string): number | null {
  const m = /(\d+(?:\.\d+)?)\s*(ms|secs?|seconds?|s|mins?|minutes?|m|hours?|hr|h)?\b/i.exec(text.replace(/[`*_]/g, ''));
  if (!m) return null;
  return Number(m[1]) * (UNITS[(m[2] ?? 's').toLowerCase()] ?? 1);
}

/** A gate: `< 60 s`, `≤ 30 s`, `> 5 min`, `under 2 min`, `within 30 s`, `at most 1 h`. */
export interface Gate {
  op: '<' | '<=' | '>' | '>=';
  seconds: number;
  text: string;
}

/** Finds the first gate written in a cell, or null. */
export function parseGate(text: string): Gate | null {
  const m = /(<=|>=|≤|≥|<|>|under|below|less than|within|at most|over|above|more than|at least)\s*(\d+(?:\.\d+)?)\s*(ms|secs?|seconds?|s|mins?|minutes?|m|hours?|hr|h)\b/i.exec(text.replace(/[`*_]/g, ''));
  if (!m) return null;
  const word = m[1]!.toLowerCase();
  const op = word === '<' || word === 'under' || word === 'below' || word === 'less than' ? '<'
    : word === '<=' || word === '≤' || word === 'within' || word === 'at most' ? '<='
    : word === '>' || word === 'over' || word === 'above' || word === 'more than' ? '>'
    : '>=';
  return { op, seconds: Number(m[2]) * (UNITS[m[3]!.toLowerCase()] ?? 1), text: m[0] };
}

/** Whether a measured duration meets a gate. */
export function meetsGate(gate: Gate, seconds: number): boolean {
  switch (gate.op) {
    case '<':
      return seconds < gate.seconds;
    case '<=':
      return seconds <= gate.seconds;
    case '>':
      return seconds > gate.seconds;
    case '>=':
      return seconds >= gate.seconds;
  }
}
