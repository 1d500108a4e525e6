import { appendFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { readSource } from '../document/source.js';
import { ruleConfig } from './rule-config.js';
import { FORMATS, formatFindings, formatSummary } from '../audit/format/index.js';
import type { AuditConfig } from '../audit/config.js';
import { changedFiles, expandInputs, repositoryRoot } from '../audit/inputs.js';
import { modelCacheDir } from '../audit/model-cache.js';
import { auditAll } from '../audit/pool.js';
import { RULES } from '../audit/rules/index.js';
import { cacheDir } from '../cache-dir.js';
import { EXIT, UserError } from '../errors.js';
import type { Io } from '../io.js';

declare const __VERSION__: string;

export interface AuditOptions {
  changed?: string;
  format?: string;
  jobs?: string;
  cache?: boolean;
  summary?: string;
  failOn?: string;
}

const FAIL_ON = ['error', 'warning', 'never'];

/** `--jobs N`: a whole number from 1; the machine's cores when not given. */
function jobsOf(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`--jobs ${value}: give a whole number from 1`);
  return jobs;
}

/** Appends the job summary to `path`, or says in one line why it cannot. */
function writeSummary(path: string, text: string): void {
  try {
    appendFileSync(path, text);
  } catch (error) {
    throw new UserError(`--summary ${path}: cannot write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * The documents to audit: the inputs (the current folder by default); with `--changed`, the
 * Markdown files changed since that ref, kept to those within the inputs when some are given.
 */
function inputFiles(inputs: string[], changed: string | undefined, cwd: string, config: AuditConfig): string[] {
  if (!changed) return expandInputs(inputs.length ? inputs : ['.'], cwd);
  const files = changedFiles(changed, cwd, config);
  if (!inputs.length) return files;
  const within = new Set(expandInputs(inputs, cwd).map((f) => resolve(cwd, f)));
  return files.filter((f) => within.has(resolve(cwd, f)));
}

/**
 * `runbook audit [FILES|DIRS|GLOBS...] [--changed REF] [--format F] [--jobs N] [--no-cache]
 * [--summary FILE] [--fail-on LEVEL]`: reads documents, runs nothing.
 */
export async function auditCommand(inputs: string[], options: AuditOptions, io: Io): Promise<number> {
  const format = options.format ?? 'text';
  if (!FORMATS.includes(format)) throw new UserError(`--format ${format}: use one of ${FORMATS.join(', ')}`);
  const jobs = jobsOf(options.jobs);
  const config = ruleConfig(io.cwd);
  const failOn = options.failOn ?? 'error';
  if (!FAIL_ON.includes(failOn)) throw new UserError(`--fail-on ${failOn}: use one of ${FAIL_ON.join(', ')}`);
  const files = inputFiles(inputs, options.changed, io.cwd, config);
  const docs = files.map((file) => ({ file, text: readSource(file).text }));
  const cache = options.cache === false ? null : modelCacheDir(cacheDir(io.env));
  const findings = await auditAll(docs, config, { jobs, now: new Date(), cache });
  const place = { root: repositoryRoot(io.cwd), cwd: io.cwd, docPage: 'audit.md' };
  io.stdout.write(formatFindings(format, findings, RULES, files.length, __VERSION__, place));
  if (options.summary) writeSummary(options.summary, formatSummary(findings, files.length, place));
  const failing = failOn === 'never' ? [] : findings.filter((f) => f.severity === 'error' || failOn === 'warning');
  return failing.length ? EXIT.failure : EXIT.ok;
}
