import { own } from '../io.js';
import type { AuditConfig } from './config.js';
import { cachedModel } from './model-cache.js';
import { RULES } from './rules/index.js';
import { pinnedTemplate } from './template.js';
import type { AuditContext, Finding } from './types.js';

export { templateRef } from './template.js';

/**
 * The text of a line (1-based), trimmed, for each finding in `text`: what a finding's fingerprint
 * holds of its place, so the same finding keeps it when lines above it come or go.
 */
export function lineSnippets(text: string): (line: number) => string {
  let lines: string[] | undefined;
  return (line) => (lines ??= text.split('\n'))[line - 1]?.trim() ?? '';
}

/** How one document is audited, besides its configuration. */
export interface AuditOptions {
  /** The moment the audit counts as "now". */
  now?: Date;
  /** The folder of cached models (see model-cache.ts); null (the default) parses every time. */
  cache?: string | null;
  /** Whether each finding holds its line (`snippet`), which only SARIF's fingerprints read. */
  snippets?: boolean;
}

/** Every finding for one document, in line order. Reads files only; never runs anything. */
export function auditDocument(file: string, text: string, config: AuditConfig, options: AuditOptions = {}): Finding[] {
  const model = cachedModel(text, options.cache ?? null);
  const context: AuditContext = { file, text, model, ...pinnedTemplate(file, model), placeholders: config.placeholders, pendingWords: config.pendingWords, now: options.now ?? new Date() };
  const snippet = options.snippets ? lineSnippets(text) : null;
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const level = config.rules[rule.id] ?? rule.severity;
    if (level === 'off') continue;
    for (const hit of rule.check(context)) {
      const finding: Finding = { file, line: hit.line, column: hit.column, severity: level, ruleId: rule.id, message: own(hit.message) };
      if (snippet) finding.snippet = own(snippet(hit.line));
      findings.push(finding);
    }
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}
