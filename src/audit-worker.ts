// What a thread of the audit pool loads (dist/audit-worker.cjs): the CLI's own bundle, through
// the code cache the `audit` command keeps (see compile-cache.ts), so a worker starts with the
// parser and the rules already compiled instead of compiling a bundle of its own from source.
// A cache that is missing or does not fit is only slower: the bundle is compiled as usual.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir } from './cache-dir.js';
import { codeCacheFile, loadCached } from './compile-cache.js';
import type { AuditJob, SentFinding } from './audit/pool.js';

declare const __BUNDLE__: string;

const loaded = loadCached(join(__dirname, 'runbook.cjs'), process.env.RUNBOOK_NO_CODE_CACHE ? null : codeCacheFile(cacheDir(process.env), __BUNDLE__, 'audit'), (specifier) => import(pathToFileURL(join(__dirname, specifier)).href));

const work = (loaded.exports as typeof import('./main.js')).auditWorker();

/** Audits one batch of documents (see audit/worker.ts). */
export default async function auditBatch(job: AuditJob): Promise<SentFinding[][]> {
  return (await work).default(job);
}
