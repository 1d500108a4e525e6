import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { auditDocument } from './audit.js';
import type { AuditConfig } from './config.js';
import type { Finding } from './types.js';

/** What one worker is handed: a batch of documents and everything their audit depends on. */
export interface AuditJob {
  docs: Array<{ file: string; text: string }>;
  config: AuditConfig;
  /** The moment the whole audit counts as "now" (ms since the epoch), the same in every thread. */
  now: number;
  cache: string | null;
}

/** Documents per message: big enough that messaging costs little, small enough to share out. */
const BATCH = 8;

/**
 * Every finding for `docs`, in their order, spread over `jobs` worker threads (tinypool) when
 * there is more than one document and more than one job; on this thread otherwise. Either way
 * each document goes through the same `auditDocument`, so the output is the same byte for byte.
 */
export async function auditAll(docs: AuditJob['docs'], config: AuditConfig, options: { jobs: number; now: Date; cache: string | null }): Promise<Finding[]> {
  const jobs = Math.min(options.jobs, Math.ceil(docs.length / BATCH));
  if (jobs <= 1) return docs.flatMap((doc) => auditDocument(doc.file, doc.text, config, options.now, options.cache));
  const { Tinypool } = await import('tinypool');
  // The worker is bundled beside the CLI's bundle (dist/audit-worker.mjs).
  const pool = new Tinypool({ filename: pathToFileURL(join(__dirname, 'audit-worker.mjs')).href, minThreads: jobs, maxThreads: jobs, isolateWorkers: false });
  try {
    const batches: Array<Promise<Finding[][]>> = [];
    for (let i = 0; i < docs.length; i += BATCH) {
      const job: AuditJob = { docs: docs.slice(i, i + BATCH), config, now: options.now.getTime(), cache: options.cache };
      batches.push(pool.run(job) as Promise<Finding[][]>);
    }
    return (await Promise.all(batches)).flat(2);
  } finally {
    await pool.destroy();
  }
}
