import { parseGate, type Runbook } from '../parser/index.js';
import type { JournalEvent } from './journal.js';

/** How a step ended, as the timeline colours it. */
export type BarOutcome = 'passed' | 'failed' | 'timed out' | 'skipped' | 'canceled' | 'needs judgment' | 'running';

/** One run of a step, from its start to its end, as the journal records it. */
export interface Bar {
  kind: 'block' | 'scenario';
  /** The block's number (1-based) or the scenario's id. */
  ref: string;
  label: string;
  line: number;
  /** Epoch ms. */
  start: number;
  end: number;
  outcome: BarOutcome;
  exitCode: number | null;
  /** Why it failed, timed out, was skipped or needs judgment; masked when it was journaled. */
  reason: string | null;
  /** The operator changed the block before running it. */
  edited: boolean;
  /** Scenario rows: the gate as written, its limit in ms, what was measured and when it recovered. */
  gate?: string | null;
  gateMs?: number | null;
  gateMet?: boolean | null;
  measuredMs?: number | null;
  /** Epoch ms the injection command ended and the wait for recovery began (the detection mark). */
  detected?: number | null;
  recovered?: number | null;
}

/** A stretch where nothing ran: the operator reading, deciding or away. */
export interface Wait {
  start: number;
  end: number;
}

/** A session's steps laid out in time, with what the summary tells. */
export interface Timeline {
  sessions: string[];
  start: number;
  end: number;
  bars: Bar[];
  waits: Wait[];
  operator: string | null;
  host: string | null;
  /** `passed`, `failed`, `canceled`, `incomplete`, `aborted`, or `running` while no end is journaled. */
  outcome: string;
}

/** Gaps shorter than this between steps are the tool's own pace, not a wait. */
export const WAIT_MS = 1000;

const time = (e: JournalEvent) => Date.parse(e.t);
const text = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' ? v : null);

/**
 * The sessions a timeline shows: the journal's last session and, through `resumeOf`, the ones it
 * continued — one game day, however often it was resumed.
 */
export function lastSessions(events: JournalEvent[]): string[] {
  const starts = new Map(events.filter((e) => e.type === 'session-start').map((e) => [e.session, text(e.resumeOf)]));
  const last = [...starts.keys()].at(-1);
  const chain: string[] = [];
  for (let id: string | null | undefined = last; id && starts.has(id) && !chain.includes(id); id = starts.get(id)) chain.unshift(id);
  return chain;
}

/**
 * Builds the timeline of the last session (see `lastSessions`) from a document's journal; an
 * unnamed block is labelled with the task that owns it in `model`, when given.
 */
export function buildTimeline(events: JournalEvent[], model: Runbook | null = null, now = Date.now()): Timeline {
  const sessions = lastSessions(events);
  const mine = events.filter((e) => sessions.includes(e.session));
  const bars: Bar[] = [];
  const open = new Map<string, Bar>();
  let operator: string | null = null;
  let host: string | null = null;
  let outcome = 'running';
  for (const e of mine) {
    const at = time(e);
    if (e.type === 'session-start') {
      operator = text(e.operator) ?? operator;
      host = text(e.host) ?? host;
      outcome = 'running';
    } else if (e.type === 'session-end') {
      outcome = text(e.outcome) ?? 'ended';
    } else if (e.type === 'block-start' || e.type === 'scenario-start') {
      const bar = startBar(e, at, model);
      open.set(keyOf(e), bar);
      bars.push(bar);
    } else if (e.type === 'block-end' || e.type === 'scenario-end') {
      const bar = open.get(keyOf(e));
      if (bar) endBar(bar, e, at);
      open.delete(keyOf(e));
    } else if (e.type === 'poll' && typeof e.commandMs === 'number') {
      const bar = open.get(keyOf(e));
      if (bar) bar.detected = bar.start + e.commandMs;
    } else if (e.type === 'block-skip' || e.type === 'scenario-skip') {
      bars.push({ ...startBar(e, at, model), end: at, outcome: 'skipped', reason: text(e.reason) });
    }
  }
  const end = Math.max(mine.length ? time(mine.at(-1)!) : now, ...bars.map((b) => b.end));
  // A step still under way (or cut off by a crash) runs to the last thing the journal knows.
  for (const bar of open.values()) bar.end = outcome === 'running' ? Math.max(end, now) : end;
  const start = mine.length ? time(mine[0]!) : now;
  return { sessions, start, end: open.size && outcome === 'running' ? Math.max(end, now) : end, bars, waits: waitsBetween(bars), operator, host, outcome };
}

function keyOf(e: JournalEvent): string {
  return typeof e.block === 'number' ? `b${e.block}` : `s${String(e.scenario)}`;
}

function startBar(e: JournalEvent, at: number, model: Runbook | null): Bar {
  const block = typeof e.block === 'number';
  const ref = block ? String((e.block as number) + 1) : text(e.id) ?? String(e.scenario);
  const task = block ? model?.blocks[e.block as number]?.task : null;
  const name = text(e.name) ?? (typeof task === 'number' ? model?.tasks[task]?.text ?? null : null);
  const label = block ? name ?? `block ${ref}` : name ? `${ref} ${name}` : ref;
  const bar: Bar = { kind: block ? 'block' : 'scenario', ref, label, line: num(e.line) ?? 0, start: at, end: at, outcome: 'running', exitCode: null, reason: null, edited: e.edited === true };
  if (!block) {
    const gate = text(e.gate);
    const parsed = gate === null ? null : parseGate(gate);
    Object.assign(bar, { gate, gateMs: parsed && (parsed.op === '<' || parsed.op === '<=') ? parsed.seconds * 1000 : null, gateMet: null, measuredMs: null, detected: null, recovered: null });
  }
  return bar;
}

function endBar(bar: Bar, e: JournalEvent, at: number): void {
  bar.end = at;
  bar.outcome = (text(e.outcome) as BarOutcome | null) ?? 'failed';
  bar.exitCode = num(e.exitCode);
  bar.reason = text(e.error) ?? text(e.reason);
  if (bar.kind === 'block' && typeof e.recoveredMs === 'number') bar.recovered = bar.start + e.recoveredMs;
  if (bar.kind !== 'scenario') return;
  bar.gateMet = typeof e.gateMet === 'boolean' ? e.gateMet : null;
  bar.measuredMs = num(e.measuredMs);
  // The measured time is to the millisecond; `recoveredAt` only to the second.
  const recoveredAt = text(e.recoveredAt);
  if (bar.measuredMs !== null) bar.recovered = bar.start + bar.measuredMs;
  else if (recoveredAt) bar.recovered = Date.parse(recoveredAt);
}

/** The stretches between one step's end and the next one's start longer than `WAIT_MS`. */
function waitsBetween(bars: Bar[]): Wait[] {
  const waits: Wait[] = [];
  let busyUntil: number | null = null;
  for (const bar of [...bars].sort((a, b) => a.start - b.start)) {
    if (busyUntil !== null && bar.start - busyUntil >= WAIT_MS) waits.push({ start: busyUntil, end: bar.start });
    busyUntil = Math.max(busyUntil ?? bar.end, bar.end);
  }
  return waits;
}

/** Counts of bars by outcome. */
export function outcomeCounts(bars: Bar[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const bar of bars) counts[bar.outcome] = (counts[bar.outcome] ?? 0) + 1;
  return counts;
}
