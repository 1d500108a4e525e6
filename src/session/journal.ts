import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sha256 } from '../random.js';

/** Where a document's session records live: `.runbook/` beside it. */
export function recordDir(docPath: string): string {
  return join(dirname(docPath), '.runbook');
}

/**
 * What `.runbook/.gitignore` says: the journal is the session's record and is committed with the
 * filled document; the output log and the saved shell state are this machine's (the log holds
 * every line a block printed, the state its variables) and, like anything runbook may add later,
 * stay out of Git.
 */
const IGNORE = `# Written by runbook. The journal (*.journal.jsonl) is committed with the session doc;
# the output log, the saved shell state and anything else here stay on this machine.
*
!.gitignore
!*.journal.jsonl
`;

/**
 * Makes a document's `.runbook/` folder and, the first time, its `.gitignore`; a `.gitignore`
 * already there (the team's own) is left as it is.
 */
export function makeRecordDir(docPath: string): string {
  const dir = recordDir(docPath);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, '.gitignore'), IGNORE, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return dir;
}

/** The journal of a document: `.runbook/<file name>.journal.jsonl`. */
export function journalPath(docPath: string): string {
  return join(recordDir(docPath), `${basename(docPath)}.journal.jsonl`);
}

/** The full output log of a document's runs: `.runbook/<file name>.log`. */
export function logPath(docPath: string): string {
  return join(recordDir(docPath), `${basename(docPath)}.log`);
}

/** The shell state saved after each block, for `--resume`: `.runbook/<file name>.state`. */
export function statePath(docPath: string): string {
  return join(recordDir(docPath), `${basename(docPath)}.state`);
}

/** One journal line. Every event has a version, a type, a session id and a UTC time. */
export interface JournalEvent {
  v: 1;
  type: string;
  session: string;
  t: string;
  [field: string]: unknown;
}

/**
 * An append-only JSON Lines file. Each event is written with its own write call as it happens,
 * so a crash loses at most the event in flight; nothing is ever rewritten.
 */
export class Journal {
  private fd: number;

  constructor(
    readonly path: string,
    readonly session: string,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a', 0o644);
  }

  /** Appends one event. */
  append(type: string, fields: Record<string, unknown> = {}): JournalEvent {
    const event: JournalEvent = { v: 1, type, session: this.session, t: new Date().toISOString(), ...fields };
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    return event;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Reads a journal; a line cut short by a crash is skipped. */
export function readJournal(path: string): JournalEvent[] {
  if (!existsSync(path)) return [];
  const events: JournalEvent[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as JournalEvent);
    } catch {
      // The last line of a crashed session may be incomplete.
    }
  }
  return events;
}

/**
 * A short digest of a block's code as the document holds it, kept in its `block-end` event: a
 * resume finds the block that passed last by it (and its name), not by its number, which an
 * edit above it changes.
 */
export function codeDigest(body: string): string {
  return sha256(body).slice(0, 16);
}
