import { appendFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { readSource } from '../document/source.js';
import { foundReader, skippedNote } from './found.js';
import { templateRef } from '../audit/audit.js';
import { ruleConfig } from './rule-config.js';
import { FORMATS, formatFindings, formatSummary } from '../audit/format/index.js';
import type { AuditConfig } from '../audit/config.js';
import { changedFiles, expandInputs, outputPlace, sessionDocs } from '../audit/inputs.js';
import { cachedModel, modelCacheDir } from '../audit/model-cache.js';
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
  /** Stored evidence copies must be there: a missing one is an error, not a warning. */
  evidence?: boolean;
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
 * The documents to audit: the inputs; with `--changed`, the Markdown files changed since that
 * ref, kept to those within the inputs when some are given; with neither, the session docs under
 * the current folder (and how many other Markdown files were skipped).
 */
function inputFiles(inputs: string[], changed: string | undefined, cwd: string, config: AuditConfig, cache: string | null): { files: string[]; skipped: number | null } {
  if (changed) {
    const files = changedFiles(changed, cwd, config);
    if (!inputs.length) return { files, skipped: null };
    const within = new Set(expandInputs(inputs, cwd).map((f) => resolve(cwd, f)));
    return { files: files.filter((f) => within.has(resolve(cwd, f))), skipped: null };
  }
  if (inputs.length) return { files: expandInputs(inputs, cwd), skipped: null };
  // Without inputs: the session docs here, not the templates and fixtures beside them.
  // A session doc names its template in its front matter; a file that cannot be read as Markdown
  // (empty, not UTF-8) is none: it is skipped here, and refused only when named.
  const isSession = (file: string) => {
    try {
      const { text } = readSource(resolve(cwd, file));
      const model = cachedModel(text, cache);
      // Front matter that does not read as YAML but holds a `runbook:` record is a session doc
      // whose record is broken: audited (and reported), not passed over as another file.
      return templateRef(model) !== null || (model.frontMatter !== null && model.problems.some((p) => p.ruleId === 'front-matter') && /^runbook:/m.test(text.slice(model.frontMatter.span.start, model.frontMatter.span.end)));
    } catch (error) {
      if (error instanceof UserError) return false;
      throw error;
    }
  };
  return sessionDocs(cwd, config, isSession);
}

/**
 * `runbook audit [FILES|DIRS|GLOBS...] [--changed REF] [--format F] [--evidence] [--jobs N]
 * [--no-cache] [--summary FILE] [--fail-on LEVEL]`: reads documents, runs nothing.
 */
export async function auditCommand(inputs: string[], options: AuditOptions, io: Io): Promise<number> {
  const format = options.format ?? 'text';
  if (!FORMATS.includes(format)) throw new UserError(`--format ${format}: use one of ${FORMATS.join(', ')}`);
  const jobs = jobsOf(options.jobs);
  const configured = ruleConfig(io.cwd);
  const config = options.evidence && configured.rules['evidence-missing'] !== 'off' ? { ...configured, rules: { ...configured.rules, 'evidence-missing': 'error' as const } } : configured;
  const failOn = options.failOn ?? 'error';
  if (!FAIL_ON.includes(failOn)) throw new UserError(`--fail-on ${failOn}: use one of ${FAIL_ON.join(', ')}`);
  const cache = options.cache === false ? null : modelCacheDir(cacheDir(io.env));
  const { files, skipped } = inputFiles(inputs, options.changed, io.cwd, config, cache);
  const { read, skipped: unread } = foundReader(inputs, io.cwd);
  const findings = await auditAll(files, read, config, { jobs, now: new Date(), cache, snippets: format === 'sarif' });
  const audited = files.length - unread.length;
  io.stderr.write(skippedNote(unread));
  const place = outputPlace(io.cwd, 'audit.md');
  for (const piece of formatFindings(format, findings, RULES, audited, __VERSION__, place)) io.stdout.write(piece);
  if (options.summary) writeSummary(options.summary, formatSummary(findings, audited, place));
  if (skipped !== null) {
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    io.stderr.write(`runbook: audited ${count(audited, 'session doc')}, skipped ${count(skipped, 'other Markdown file')} (a session doc names its template in its front matter, as \`runbook new\` writes it; name files to audit them anyway)\n`);
  }
  const failing = failOn === 'never' ? [] : findings.filter((f) => f.severity === 'error' || failOn === 'warning');
  return failing.length ? EXIT.failure : EXIT.ok;
}
