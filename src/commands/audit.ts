import { readSource } from '../document/source.js';
import { auditDocument } from '../audit/audit.js';
import { ruleConfig } from './rule-config.js';
import { FORMATS, formatFindings } from '../audit/format/index.js';
import { changedFiles, expandInputs } from '../audit/inputs.js';
import { RULES } from '../audit/rules/index.js';
import type { Finding } from '../audit/types.js';
import { EXIT, UserError } from '../errors.js';
import type { Io } from '../io.js';

declare const __VERSION__: string;

export interface AuditOptions {
  changed?: string;
  format?: string;
  /** Stored evidence copies must be there: a missing one is an error, not a warning. */
  evidence?: boolean;
}

/** `runbook audit [FILES|DIRS|GLOBS...] [--changed REF] [--format F] [--evidence]`: reads documents, runs nothing. */
export function auditCommand(inputs: string[], options: AuditOptions, io: Io): number {
  const format = options.format ?? 'text';
  if (!FORMATS.includes(format)) throw new UserError(`--format ${format}: use one of ${FORMATS.join(', ')}`);
  const configured = ruleConfig(io.cwd);
  const config = options.evidence && configured.rules['evidence-missing'] !== 'off' ? { ...configured, rules: { ...configured.rules, 'evidence-missing': 'error' as const } } : configured;
  const files = [...new Set([...(options.changed ? changedFiles(options.changed, io.cwd, config) : []), ...(inputs.length || !options.changed ? expandInputs(inputs.length ? inputs : ['.'], io.cwd) : [])])];
  const findings: Finding[] = [];
  for (const file of files) findings.push(...auditDocument(file, readSource(file).text, config));
  io.stdout.write(formatFindings(format, findings, RULES, files.length, __VERSION__));
  return findings.some((f) => f.severity === 'error') ? EXIT.failure : EXIT.ok;
}
