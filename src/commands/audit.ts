import { readSource } from '../document/source.js';
import { auditDocument, templateRef } from '../audit/audit.js';
import { parseRunbook } from '../parser/index.js';
import { resolve } from 'node:path';
import { ruleConfig } from './rule-config.js';
import { FORMATS, formatFindings } from '../audit/format/index.js';
import { changedFiles, expandInputs, sessionDocs } from '../audit/inputs.js';
import { RULES } from '../audit/rules/index.js';
import type { Finding } from '../audit/types.js';
import { EXIT, UserError } from '../errors.js';
import type { Io } from '../io.js';

declare const __VERSION__: string;

export interface AuditOptions {
  changed?: string;
  format?: string;
}

/** `runbook audit [FILES|DIRS|GLOBS...] [--changed REF] [--format F]`: reads documents, runs nothing. */
export function auditCommand(inputs: string[], options: AuditOptions, io: Io): number {
  const format = options.format ?? 'text';
  if (!FORMATS.includes(format)) throw new UserError(`--format ${format}: use one of ${FORMATS.join(', ')}`);
  const config = ruleConfig(io.cwd);
  let files: string[];
  let skipped: number | null = null;
  if (inputs.length || options.changed) {
    files = [...new Set([...(options.changed ? changedFiles(options.changed, io.cwd, config) : []), ...expandInputs(inputs, io.cwd)])];
  } else {
    // Without inputs: the session docs here, not the templates and fixtures beside them.
    ({ files, skipped } = sessionDocs(io.cwd, config, (file) => templateRef(parseRunbook(readSource(resolve(io.cwd, file)).text)) !== null));
  }
  const findings: Finding[] = [];
  for (const file of files) findings.push(...auditDocument(file, readSource(file).text, config));
  io.stdout.write(formatFindings(format, findings, RULES, files.length, __VERSION__));
  if (skipped !== null) {
    const docs = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    io.stderr.write(`runbook: audited ${docs(files.length, 'session doc')}, skipped ${docs(skipped, 'other Markdown file')} (a session doc names its template in its front matter, as \`runbook new\` writes it; name files to audit them anyway)\n`);
  }
  return findings.some((f) => f.severity === 'error') ? EXIT.failure : EXIT.ok;
}
