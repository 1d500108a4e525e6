import type { Rule, Finding } from '../types.js';

/** Human text: one line per finding, grouped by file, then a summary. */
export function formatText(findings: Finding[], files: number, verb = 'audited'): string {
  const out: string[] = [];
  let current = '';
  for (const f of findings) {
    if (f.file !== current) {
      if (current) out.push('');
      out.push(f.file);
      current = f.file;
    }
    out.push(`${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.message}  ${f.ruleId}`);
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  if (out.length) out.push('');
  out.push(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} ${verb}`);
  return `${out.join('\n')}\n`;
}

/** JSON: an array of findings. */
export function formatJson(findings: Finding[]): string {
  return `${JSON.stringify(findings.map(({ file, line, column, severity, ruleId, message }) => ({ file, line, column, severity, ruleId, message })), null, 2)}\n`;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions workflow commands: each finding annotates the pull request's diff. */
export function formatGithub(findings: Finding[]): string {
  return findings
    .map((f) => `::${f.severity === 'error' ? 'error' : 'warning'} file=${escapeProperty(f.file)},line=${f.line},col=${f.column},title=${escapeProperty(f.ruleId)}::${escapeData(f.message)}\n`)
    .join('');
}

/** SARIF 2.1.0, for code scanning. */
export function formatSarif(findings: Finding[], rules: Rule[], version: string): string {
  const ids = rules.map((r) => r.id);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'runbook',
            version,
            rules: rules.map((r) => ({ id: r.id, shortDescription: { text: r.description }, defaultConfiguration: { level: r.severity } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ids.indexOf(f.ruleId),
          level: f.severity,
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: f.file.split('\\').join('/') }, region: { startLine: f.line, startColumn: f.column } } }],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** The findings in the format asked for (`text`, `json`, `github`, `sarif`). */
export function formatFindings(format: string, findings: Finding[], rules: Rule[], files: number, version: string, verb = 'audited'): string {
  if (format === 'json') return formatJson(findings);
  if (format === 'github') return formatGithub(findings);
  if (format === 'sarif') return formatSarif(findings, rules, version);
  return formatText(findings, files, verb);
}

/** The output formats audit and check write. */
export const FORMATS = ['text', 'json', 'github', 'sarif'];
