/** Gates as operators write them in tables: `RTO < 60 s`, `under 2 min`. */
import { readAt } from './duration.js';

/** A gate: `< 60 s`, `≤ 30 s`, `> 5 min`, `under 2 min`, `within 30 s`, `at most 1 h`. */
export interface Gate {
  op: '<' | '<=' | '>' | '>=';
  seconds: number;
  /** The words of the cell that state it, e.g. `< 60 s`. */
  text: string;
}

// Words are operators only as whole words: "Failover 30 s" states no bound. The bound after one
// is read as every duration is (see duration.ts): `2 min 30 s`, `1h30m`, `1,5 min`, `2:30`.
const OPERATOR = /(<=|>=|≤|≥|<|>|(?<![a-z])(?:under|below|less than|within|at most|no more than|over|above|more than|at least)(?![a-z]))\s*(?=\d)/gi;
/** A word before the bound that negates it: "No 5xx run > 30 s", "not more than", "never above". */
const NEGATION = /(?<![a-z])(?:no|not|never|without)(?![a-z])/i;
const OPPOSITE = { '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const;

/** Finds the first gate written in a cell, or null. */
export function parseGate(text: string): Gate | null {
  const plain = text.replace(/[`*_]/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  let m: RegExpExecArray | null = null;
  let bound: { seconds: number; end: number } | null = null;
  for (const found of plain.matchAll(OPERATOR)) {
    const reading = readAt(plain, found.index + found[0].length);
    // A bound has a unit (or is a clock time): "< 5 retries" states none.
    if (reading && !reading.bare) {
      [m, bound] = [found, reading];
      break;
    }
  }
  if (!m || !bound) return null;
  const word = m[1]!.toLowerCase();
  const op = word === '<' || word === 'under' || word === 'below' || word === 'less than' ? '<'
    : word === '<=' || word === '≤' || word === 'within' || word === 'at most' || word === 'no more than' ? '<='
    : word === '>' || word === 'over' || word === 'above' || word === 'more than' ? '>'
    : '>=';
  const seconds = bound.seconds;
  // Only in the bound's own clause: "No data loss, RTO < 60 s" keeps its bound.
  const before = plain.slice(0, m.index);
  const clause = Math.max(0, ...[...before.matchAll(/[,;.:—–(]|(?<![a-z])(?:and|but|or)(?![a-z])/gi)].map((c) => c.index + c[0].length));
  const negated = NEGATION.exec(before.slice(clause));
  if (negated) return { op: OPPOSITE[op], seconds, text: plain.slice(clause + negated.index, bound.end).trimEnd() };
  return { op, seconds, text: plain.slice(m.index, bound.end).trimEnd() };
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
