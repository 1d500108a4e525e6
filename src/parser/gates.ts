/** Gates as operators write them in tables: `RTO < 60 s`, `under 2 min`. */
import { UNIT, unitSeconds } from './duration.js';

/** A gate: `< 60 s`, `≤ 30 s`, `> 5 min`, `under 2 min`, `within 30 s`, `at most 1 h`. */
export interface Gate {
  op: '<' | '<=' | '>' | '>=';
  seconds: number;
  /** The words of the cell that state it, e.g. `< 60 s`. */
  text: string;
}

// Words are operators only as whole words: "Failover 30 s" states no bound.
const GATE = new RegExp(`(<=|>=|≤|≥|<|>|(?<![a-z])(?:under|below|less than|within|at most|no more than|over|above|more than|at least)(?![a-z]))\\s*(\\d+(?:\\.\\d+)?)\\s*${UNIT}\\b`, 'i');
/** A word before the bound that negates it: "No 5xx run > 30 s", "not more than", "never above". */
const NEGATION = /(?<![a-z])(?:no|not|never|without)(?![a-z])/i;
const OPPOSITE = { '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const;

/** Finds the first gate written in a cell, or null. */
export function parseGate(text: string): Gate | null {
  const plain = text.replace(/[`*_]/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const m = GATE.exec(plain);
  if (!m) return null;
  const word = m[1]!.toLowerCase();
  const op = word === '<' || word === 'under' || word === 'below' || word === 'less than' ? '<'
    : word === '<=' || word === '≤' || word === 'within' || word === 'at most' || word === 'no more than' ? '<='
    : word === '>' || word === 'over' || word === 'above' || word === 'more than' ? '>'
    : '>=';
  const seconds = Number(m[2]) * unitSeconds(m[3]!);
  // Only in the bound's own clause: "No data loss, RTO < 60 s" keeps its bound.
  const before = plain.slice(0, m.index);
  const clause = Math.max(0, ...[...before.matchAll(/[,;.:—–(]|(?<![a-z])(?:and|but|or)(?![a-z])/gi)].map((c) => c.index + c[0].length));
  const negated = NEGATION.exec(before.slice(clause));
  if (negated) return { op: OPPOSITE[op], seconds, text: plain.slice(clause + negated.index, m.index + m[0].length) };
  return { op, seconds, text: m[0] };
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
