// One thread of the audit pool (see pool.ts): audits the documents it is handed, exactly as the
// main thread would on its own.
import { auditDocument } from './audit.js';
import { sent, type AuditJob, type SentFinding } from './pool.js';

/** Audits one batch of documents; the findings come back in the batch's order. */
export default function auditBatch(job: AuditJob): SentFinding[][] {
  const options = { now: new Date(job.now), cache: job.cache, snippets: job.snippets };
  return job.docs.map((doc) => auditDocument(doc.file, doc.text, job.config, options).map(sent));
}
