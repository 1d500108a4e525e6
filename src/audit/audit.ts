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

/**
 * Every finding for one document, in line order. Reads files only; never runs anything. `cache`
 * is the folder of cached models (see model-cache.ts), or null to parse every time.
 */
export function auditDocument(file: string, text: string, config: AuditConfig, now = new Date(), cache: string | null = null): Finding[] {
  const model = cachedModel(text, cache);
  const context: AuditContext = { file, text, model, ...pinnedTemplate(file, model), placeholders: config.placeholders, pendingWords: config.pendingWords, now };
  const snippet = lineSnippets(text);
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const level = config.rules[rule.id] ?? rule.severity;
    if (level === 'off') continue;
    for (const hit of rule.check(context)) findings.push({ file, line: hit.line, column: hit.column, severity: level, ruleId: rule.id, message: own(hit.message), snippet: own(snippet(hit.line)) });
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}
