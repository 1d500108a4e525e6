// What a thread of the audit pool loads (dist/audit-worker.cjs): the CLI's own bundle, through
// the code cache the `audit` command keeps (see compile-cache.ts), so a worker starts with the
// parser and the rules already compiled instead of compiling a bundle of its own from source.
// A cache that is missing or does not fit is only slower: the bundle is compiled as usual.
import { loadBundle } from './compile-cache.js';
import type { AuditJob, SentFinding } from './audit/pool.js';

declare const __BUNDLE__: string;

const work = (loadBundle(__dirname, __BUNDLE__, 'audit').exports as typeof import('./main.js')).auditWorker();

/** Audits one batch of documents (see audit/worker.ts). */
export default async function auditBatch(job: AuditJob): Promise<SentFinding[][]> {
  return (await work).default(job);
}
