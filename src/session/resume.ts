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

/** Where a resumed session picks up: the steps after the last one its chain of sessions completed. */
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
  const passed = events.filter((e) => chain.has(e.session) && completes(e) && e.type !== 'block-skip');
  const lastPassed = passed[passed.length - 1];
  if (!lastPassed) return { rest: selected, session: last.session, done: 0 };
  let offset: number;
  if (lastPassed.type === 'block-end') {
    // Found by what it is: its name and code (journals before the code was kept: its name and
    // number). Blocks added or moved above it since do not move the resume point.
    const index = Number(lastPassed.block);
    const code = typeof lastPassed.code === 'string' ? lastPassed.code : null;
    const same = (b: Block | undefined) => b !== undefined && (!lastPassed.name || b.name === lastPassed.name) && (code === null || codeDigest(b.body) === code);
    let block = doc.model.blocks[index];
    if (!same(block)) {
      const matches = code === null ? [] : doc.model.blocks.filter(same);
      if (matches.length !== 1) {
        const what = lastPassed.name ? `"${String(lastPassed.name)}"` : `the block at line ${String(lastPassed.line)}`;
        throw new UserError(`${file} changed since the journal was written: ${what}, the last step that passed, ${matches.length ? 'is no longer one block' : 'is no longer in it as it ran'}; run without --resume`);
      }
      block = matches[0];
    }
    offset = block!.span.start;
  } else {
    const scenario = doc.model.scenarios[Number(lastPassed.scenario)];
    if (!scenario || scenario.id !== lastPassed.id) {
      throw new UserError(`${file} changed since the journal was written: scenario ${String(lastPassed.id)} is no longer where it was; run without --resume`);
    }
    offset = doc.model.tables[scenario.table]!.rows[scenario.row]!.span.start;
  }
  return { rest: selected.filter((s) => s.offset > offset), session: last.session, done: passed.length };
}
