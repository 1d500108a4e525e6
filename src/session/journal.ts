import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Where a document's session records live: `.runbook/` beside it. */
export function recordDir(docPath: string): string {
  return join(dirname(docPath), '.runbook');
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
