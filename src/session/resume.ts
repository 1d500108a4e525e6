import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Document } from '../document/document.js';
import { alive } from '../executor/session.js';
import { markedProcesses } from '../executor/processes.js';
import { UserError } from '../errors.js';
import { readState } from '../executor/state.js';
import { codeDigest, journalPath, readJournal, statePath, type JournalEvent } from './journal.js';
import type { Block } from '../parser/index.js';
import { askAgain } from './secrets.js';
import type { RunStep } from './steps.js';

/** A process a session left running on purpose, as its journal records it. */
export interface LeftProcess {
  pid: number;
  command: string;
}

/** The last session the journal records for a document, when it did not finish. */
export interface LastSession {
  id: string;
  startedAt: string;
  operator: string;
  /** How it ended (`quit`, `failed`, `aborted`, …), or null when it never did (a crash). */
  ended: string | null;
  /** Steps it (and the sessions it resumed) completed. */
  done: number;
  /** Whether its shell's variables and folder were saved, so a resume can restore them. */
  hasState: boolean;
  /** Processes it left running, with whether each is still alive. */
  left: Array<LeftProcess & { alive: boolean }>;
  /**
   * When it never ended (its tool was killed outright): the processes it started that still run,
   * a block among them perhaps, which must not be started a second time beside itself.
   */
  running: Array<{ pid: number; command: string }>;
}

/** Session-end outcomes that mean nothing is left to resume. */
const FINISHED = new Set(['passed']);

/** The chain of sessions ending in `id`: the session and every one it resumed. */
function chainOf(events: JournalEvent[], id: string): Set<string> {
  const resumed = new Map(events.filter((e) => e.type === 'session-start').map((e) => [e.session, e.resumeOf ? String(e.resumeOf) : null]));
  const chain = new Set<string>();
  for (let at: string | null | undefined = id; at && !chain.has(at); at = resumed.get(at)) chain.add(at);
  return chain;
}

/** Whether a step event completed its step: a block that passed, a scenario measured or left for the operator. */
function completes(e: JournalEvent): boolean {
  return (e.type === 'block-end' && e.outcome === 'passed') || (e.type === 'scenario-end' && ['passed', 'needs judgment', 'skipped'].includes(String(e.outcome))) || e.type === 'block-skip';
}

/**
 * Secret variables a resume must ask for again: the state file never holds a secret's value, so
 * the names it withheld come back only from `--set`, the environment or a prompt.
 */
export function withheldSecrets(file: string, given: Readonly<Record<string, string | undefined>>): string[] {
  const state = readState(statePath(file));
  return state ? askAgain(state, given) : [];
}

/** Reads the journal beside `file` for a last session that did not finish; null when there is none. */
export function lastSession(file: string): LastSession | null {
  const events = readJournal(journalPath(file));
  const starts = events.filter((e) => e.type === 'session-start');
  const last = starts[starts.length - 1];
  if (!last) return null;
  const end = events.find((e) => e.type === 'session-end' && e.session === last.session);
  const ended = end ? String(end.outcome) : null;
  if (ended !== null && FINISHED.has(ended)) return null;
  const chain = chainOf(events, last.session);
  const done = events.filter((e) => chain.has(e.session) && completes(e)).length;
  const left = events.filter((e) => e.session === last.session && e.type === 'left-running').flatMap((e) => (Array.isArray(e.processes) ? (e.processes as LeftProcess[]) : []));
  return {
    id: last.session,
    startedAt: last.t,
    operator: String(last.operator ?? ''),
    ended,
    done,
    hasState: existsSync(statePath(file)),
    left: left.map((p) => ({ ...p, alive: alive(p.pid, p.command) })),
    running: ended === null && typeof last.mark === 'string' ? markedProcesses(last.mark) : [],
  };
}

/**
 * Where a resumed session picks up: the steps of `selected` after the last of them its chain of
 * sessions completed (a rollback step that ran after a failure is not progress on the main path),
 * and before that one, every step whose last run in the chain failed, timed out or was canceled —
 * the step an operator fixed and resumes for is run again, not passed over.
 */
export function resumePoint(file: string, doc: Document, selected: RunStep[]): { rest: RunStep[]; session: string; done: number } {
  const path = journalPath(file);
  if (!existsSync(path)) throw new UserError(`${file}: no journal to resume from (${path} does not exist)`);
  const events = readJournal(path);
  const starts = events.filter((e) => e.type === 'session-start');
  const last = starts[starts.length - 1];
  if (!last) throw new UserError(`${path}: the journal holds no session`);
  if (resolve(dirname(String(last.document)), basename(String(last.document))) !== resolve(file) && basename(String(last.document)) !== basename(file)) {
    throw new UserError(`${path} is the journal of ${String(last.document)}, not of ${file}`);
  }
  const chain = chainOf(events, last.session);
  const ends = events.filter((e) => chain.has(e.session) && (e.type === 'block-end' || e.type === 'scenario-end' || e.type === 'block-skip'));
  const passed = ends.filter((e) => completes(e) && e.type !== 'block-skip');
  const offsets = new Set(selected.filter((s) => !s.rollback).map((s) => s.offset));
  // Each block's code digest, worked out once, when a moved block is first looked for by its code.
  const digests = new Map<Block, string>();
  const digest = (b: Block) => digests.get(b) ?? digests.set(b, codeDigest(b.body)).get(b)!;
  // The last completed step that is one of the selected: where the main path got to.
  let offset = -1;
  for (let k = passed.length - 1; k >= 0 && offset === -1; k--) {
    const at = placeOf(file, doc, passed[k]!, k === passed.length - 1, digest);
    if (at !== null && offsets.has(at)) offset = at;
  }
  if (offset === -1) return { rest: selected, session: last.session, done: passed.length };
  // How each step before it last ended in the chain.
  const lastEnd = new Map<number, JournalEvent>();
  for (const e of ends) {
    const at = placeOf(file, doc, e, false, digest);
    if (at !== null) lastEnd.set(at, e);
  }
  const unfinished = (s: RunStep) => {
    const end = lastEnd.get(s.offset);
    return end !== undefined && !completes(end);
  };
  return { rest: selected.filter((s) => s.offset > offset || unfinished(s)), session: last.session, done: passed.length };
}

/**
 * Where the step a journal event names stands in the document now: a block found by its name and
 * code (journals before the code was kept: its name and number), so that blocks added or moved
 * above it do not move it; a scenario by its row and id. Null when it is no longer there — or,
 * with `strict`, a clear error (the step a resume starts after must be found).
 */
function placeOf(file: string, doc: Document, e: JournalEvent, strict: boolean, digest: (b: Block) => string): number | null {
  if (e.type === 'block-end' || e.type === 'block-skip') {
    const index = Number(e.block);
    const code = typeof e.code === 'string' ? e.code : null;
    const same = (b: Block | undefined) => b !== undefined && (!e.name || b.name === e.name) && (code === null || digest(b) === code);
    let block = doc.model.blocks[index];
    if (!same(block)) {
      const matches = code === null ? [] : doc.model.blocks.filter(same);
      if (matches.length !== 1) {
        if (!strict) return null;
        const what = e.name ? `"${String(e.name)}"` : `the block at line ${String(e.line)}`;
        throw new UserError(`${file} changed since the journal was written: ${what}, the last step that passed, ${matches.length ? 'is no longer one block' : 'is no longer in it as it ran'}; run without --resume`);
      }
      block = matches[0];
    }
    return block!.span.start;
  }
  const scenario = doc.model.scenarios[Number(e.scenario)];
  if (!scenario || scenario.id !== e.id) {
    if (!strict) return null;
    throw new UserError(`${file} changed since the journal was written: scenario ${String(e.id)} is no longer where it was; run without --resume`);
  }
  return doc.model.tables[scenario.table]!.rows[scenario.row]!.span.start;
}
