/** Durations and gates as operators write them in tables: `42 s`, `RTO < 60 s`, `under 2 min`. */

const UNITS: Record<string, number> = { ms: 0.001, s: 1, sec: 1, secs: 1, second: 1, seconds: 1, m: 60, min: 60, mins: 60, minute: 60, minutes: 60, h: 3600, hr: 3600, hour: 3600, hours: 3600 };
const UNIT = '(ms|secs?|seconds?|s|mins?|minutes?|m|hours?|hr|h)';

// A number and its unit; the unit ends where letters do, so `4m30s` reads as two parts.
const PART = new RegExp(`(\\d+(?:\\.\\d+)?)\\s*${UNIT}?(?![a-z])`, 'iy');

/**
 * A duration in seconds from text like `42 s`, `1.5 min`, `850ms`, `12` (seconds), the parts
 * of a compound one added up (`4m 30s`, `1 h 5 min`, `2m, 10s`), or a clock-style one (`2:30`
 * is 2 min 30 s, `1:02:30` an hour and more).
 */
export function parseDurationText(text: string): number | null {
  const t = text.replace(/[`*_]/g, '');
  const clock = /(?<![\d:])(\d+):([0-5]\d)(?::([0-5]\d))?(?![\d:])/.exec(t);
  const first = new RegExp(PART.source, 'i').exec(t);
  if (clock && (!first || clock.index <= first.index)) {
    const [a, b, c] = [Number(clock[1]), Number(clock[2]), clock[3] === undefined ? null : Number(clock[3])];
    return c === null ? a * 60 + b : a * 3600 + b * 60 + c;
  }
  if (!first) return null;
  let seconds = Number(first[1]) * (UNITS[(first[2] ?? 's').toLowerCase()] ?? 1);
  // Further parts, each with its unit: `4m 30s`, `1 h, 5 min`, `1h and 5m`.
  let at = first.index + first[0].length;
  for (;;) {
    const gap = /^(?:\s*,?\s*(?:and\s+)?)/i.exec(t.slice(at))![0].length;
    PART.lastIndex = at + gap;
    const next = PART.exec(t);
    if (!next || next[2] === undefined || first[2] === undefined) break;
    seconds += Number(next[1]) * (UNITS[next[2].toLowerCase()] ?? 1);
    at = next.index + next[0].length;
  }
  return seconds;
}

/** A gate: `< 60 s`, `≤ 30 s`, `> 5 min`, `under 2 min`, `within 30 s`, `at most 1 h`. */
export interface Gate {
  op: '<' | '<=' | '>' | '>=';
  seconds: number;
  /** The words of the cell that state it, e.g. `< 60 s`. */
  text: string;
}

const GATE = new RegExp(`(<=|>=|≤|≥|<|>|under|below|less than|within|at most|no more than|over|above|more than|at least)\\s*(\\d+(?:\\.\\d+)?)\\s*${UNIT}\\b`, 'i');

/** Finds the first gate written in a cell, or null. */
export function parseGate(text: string): Gate | null {
  const m = GATE.exec(text.replace(/[`*_]/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
  if (!m) return null;
  const word = m[1]!.toLowerCase();
  const op = word === '<' || word === 'under' || word === 'below' || word === 'less than' ? '<'
    : word === '<=' || word === '≤' || word === 'within' || word === 'at most' || word === 'no more than' ? '<='
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
