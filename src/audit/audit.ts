import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseRunbook, type Runbook } from '../parser/index.js';
import type { AuditConfig } from './config.js';
import { RULES } from './rules/index.js';
import type { AuditContext, Finding } from './types.js';

/** The template a document names in its front matter (`runbook.template`), which makes it a session doc; or null. */
export function templateRef(model: Runbook): string | null {
  const record = model.frontMatter?.data.runbook;
  const ref = record && typeof record === 'object' ? (record as Record<string, unknown>).template : undefined;
  return typeof ref === 'string' ? ref : null;
}

/** The template a session doc names in its front matter, read, if it is there. */
function templateOf(file: string, model: Runbook): { ref: string | null; template: AuditContext['template'] } {
  const ref = templateRef(model);
  if (ref === null) return { ref: null, template: null };
  const path = resolve(dirname(file), ref);
  if (!existsSync(path)) return { ref, template: null };
  const text = readFileSync(path, 'utf8');
  return { ref, template: { path, text, model: parseRunbook(text) } };
}

/** Every finding for one document, in line order. Reads files only; never runs anything. */
export function auditDocument(file: string, text: string, config: AuditConfig, now = new Date()): Finding[] {
  const model = parseRunbook(text);
  const { ref, template } = templateOf(file, model);
  const context: AuditContext = { file, text, model, template, templateRef: ref, placeholders: config.placeholders, pendingWords: config.pendingWords, now };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const level = config.rules[rule.id] ?? rule.severity;
    if (level === 'off') continue;
    for (const hit of rule.check(context)) findings.push({ file, line: hit.line, column: hit.column, severity: level, ruleId: rule.id, message: hit.message });
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}
