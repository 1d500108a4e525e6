/** Gates as operators write them in tables: `RTO < 60 s`, `under 2 min`. */
import { UNIT, unitSeconds } from './duration.js';

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
  return { op, seconds: Number(m[2]) * unitSeconds(m[3]!), text: m[0] };
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
