import { loadConfig, type AuditConfig } from '../audit/config.js';
import { RULES } from '../audit/rules/index.js';
import { CHECKS } from '../check/checks.js';
import { UserError } from '../errors.js';

/**
 * The configuration audit and check read (`.runbook.yml`). A rule it names that neither command
 * has is refused: a misspelt rule turned off would otherwise quietly stay on.
 */
export function ruleConfig(cwd: string): AuditConfig {
  const config = loadConfig(cwd);
  const known = new Set([...RULES.map((r) => r.id), ...CHECKS.map((c) => c.id)]);
  const unknown = Object.keys(config.rules).filter((id) => !known.has(id));
  if (unknown.length) {
    throw new UserError(`${config.path}: no rule is called ${unknown.join(', ')}; the rules are ${[...known].sort().join(', ')}`);
  }
  return config;
}
