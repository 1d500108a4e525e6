import { parseRunbook } from '../parser/index.js';
import type { AuditConfig } from './config.js';
import { RULES } from './rules/index.js';
import { pinnedTemplate } from './template.js';
import type { AuditContext, Finding } from './types.js';

export { templateRef } from './template.js';

/** Every finding for one document, in line order. Reads files only; never runs anything. */
export function auditDocument(file: string, text: string, config: AuditConfig, now = new Date()): Finding[] {
  const model = parseRunbook(text);
  const context: AuditContext = { file, text, model, ...pinnedTemplate(file, model), placeholders: config.placeholders, pendingWords: config.pendingWords, now };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const level = config.rules[rule.id] ?? rule.severity;
    if (level === 'off') continue;
    for (const hit of rule.check(context)) findings.push({ file, line: hit.line, column: hit.column, severity: level, ruleId: rule.id, message: hit.message });
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}
