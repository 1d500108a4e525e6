import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { auditDocument } from './audit.js';
import { modelsParsed } from './model-cache.js';
import { RULES } from './rules/index.js';
import type { Tinypool } from 'tinypool';
import type { AuditConfig } from './config.js';
import type { Finding, Severity } from './types.js';

/** What one worker is handed: a batch of documents and everything their audit depends on. */
export interface AuditJob {
  docs: Array<{ file: string; text: string }>;
  config: AuditConfig;
  /** The moment the whole audit counts as "now" (ms since the epoch), the same in every thread. */
  now: number;
  cache: string | null;
  snippets: boolean;
}

/**
 * A finding as a worker sends it back: its values alone, without its document's name, which this
 * thread has. A copied object brings every key and every string with it, and the thread that
 * keeps all the findings until they are printed copies each again as its heap grows: the fewer
 * and smaller they are, the less that thread spends collecting garbage.
 */
export type SentFinding = [line: number, column: number, severity: Severity, ruleId: string, message: string, snippet?: string];

/** A finding as a worker sends it. */
export function sent(f: Finding): SentFinding {
  return f.snippet === undefined ? [f.line, f.column, f.severity, f.ruleId, f.message] : [f.line, f.column, f.severity, f.ruleId, f.message, f.snippet];
}

/** The finding a worker sent for `file`, its rule and severity the strings this thread already holds. */
function received(file: string, [line, column, severity, ruleId, message, snippet]: SentFinding, known: Map<string, string>): Finding {
  const finding: Finding = { file, line, column, severity: (known.get(severity) ?? severity) as Severity, ruleId: known.get(ruleId) ?? ruleId, message };
  if (snippet !== undefined) finding.snippet = snippet;
  return finding;
}

/** Documents per message: big enough that messaging costs little, small enough to share out. */
const BATCH = 8;

/**
 * Where the batch a worker takes from `next` ends, of `total` documents shared by `threads`: whole
 * batches while there is plenty left, smaller ones as the end nears, one document at a time at the
 * very end. A worker holding two full batches when this thread has run out of documents kept it
 * waiting for up to sixteen (half a second at 1 000 docs).
 */
export function batchEnd(next: number, total: number, threads: number): number {
  return Math.min(total, next + Math.max(1, Math.min(BATCH, Math.floor((total - next) / (8 * threads)))));
}

/**
 * Every finding for `files`, in their order, spread over `jobs` threads: this one and `jobs - 1`
 * worker threads (tinypool), when there is more than one document and more than one job; on this
 * thread alone otherwise, and until this thread meets a document it has to parse (not in the
 * cache). This thread takes part rather than wait: it has the code cache and a warmed-up compiler
 * already, where each worker starts cold, and on a machine of two cores a third thread only
 * competes. Workers take batches from the front, this thread one document at a
 * time (so it comes back soon to hand the workers more); each document goes through the same
 * `auditDocument`, so the output is the same byte for byte. Each text is read (`read`) when its
 * document is handed out, in order (null: a file skipped, which has no findings), and let go once
 * audited: a thousand texts held from the start would each be copied from young to old memory on
 * the way (40 MB for 1 000 session docs).
 */
export async function auditAll(files: string[], read: (file: string) => string | null, config: AuditConfig, options: { jobs: number; now: Date; cache: string | null; snippets: boolean }): Promise<Finding[]> {
  const workers = Math.min(options.jobs, Math.ceil(files.length / BATCH)) - 1;
  const one = (i: number) => {
    const text = read(files[i]!);
    return text === null ? [] : auditDocument(files[i]!, text, config, options);
  };
  if (workers < 1) return files.flatMap((_, i) => one(i));
  const found: Finding[][] = new Array(files.length);
  const known = new Map([...RULES.map((rule) => rule.id), 'error', 'warning'].map((name) => [name, name]));
  let next = 0;
  const worker = async (pool: Tinypool): Promise<void> => {
    while (next < files.length) {
      const from = next;
      next = batchEnd(next, files.length, workers + 1);
      const docs = files.slice(from, next).flatMap((file, i) => {
        const text = read(file);
        found[from + i] = [];
        return text === null ? [] : [{ file, text, at: from + i }];
      });
      const job: AuditJob = { docs: docs.map(({ file, text }) => ({ file, text })), config, now: options.now.getTime(), cache: options.cache, snippets: options.snippets };
      const batch = (await pool.run(job)) as SentFinding[][];
      batch.forEach((findings, i) => (found[docs[i]!.at] = findings.map((f) => received(docs[i]!.file, f, known))));
    }
  };
  // The workers start at the first document this thread has to parse: documents read from the
  // cache take about a millisecond each, less than a worker takes to start and warm up.
  let pool: Tinypool | null = null;
  const working: Array<Promise<void>> = [];
  const startWorkers = async (): Promise<void> => {
    const { Tinypool } = await import('tinypool');
    // The worker's entry is beside the CLI's bundle (dist/audit-worker.cjs). Two batches in hand
    // each: a worker never waits for this thread to finish a document before it gets its next.
    const started = new Tinypool({ filename: pathToFileURL(join(__dirname, 'audit-worker.cjs')).href, minThreads: workers, maxThreads: workers, isolateWorkers: false, concurrentTasksPerWorker: 2 });
    pool = started;
    // A worker's failure is kept and thrown once all have stopped, never left unhandled.
    working.push(...Array.from({ length: workers * 2 }, () => worker(started).catch((error: unknown) => void failures.push(error))));
  };
  const failures: unknown[] = [];
  try {
    while (next < files.length) {
      const i = next++;
      const parsedBefore = modelsParsed();
      found[i] = one(i);
      if (pool === null && modelsParsed() !== parsedBefore && next < files.length) await startWorkers();
      // Let the workers' answers in, and hand them their next batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(working);
    if (failures.length) throw failures[0];
    return found.flat();
  } finally {
    await (pool as Tinypool | null)?.destroy();
  }
}
