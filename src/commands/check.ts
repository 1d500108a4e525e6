import { spawnSync } from 'node:child_process';
import { foundReader, skippedNote } from './found.js';
import { ruleConfig } from './rule-config.js';
import { FORMATS, formatFindings } from '../audit/format/index.js';
import { expandInputs, outputPlace } from '../audit/inputs.js';
import { lineSnippets } from '../audit/audit.js';
import type { Finding } from '../audit/types.js';
import { CHECKS, checkDocuments } from '../check/checks.js';
import { EXIT, UserError } from '../errors.js';
import type { Io } from '../io.js';

declare const __VERSION__: string;

/** `runbook check [FILES|DIRS...]`: catches a rotting runbook; reads, never runs a block. */
export function checkCommand(inputs: string[], options: { format?: string }, io: Io): number {
  const format = options.format ?? 'text';
  if (!FORMATS.includes(format)) throw new UserError(`--format ${format}: use one of ${FORMATS.join(', ')}`);
  const config = ruleConfig(io.cwd);
  const files = expandInputs(inputs.length ? inputs : ['.'], io.cwd);
  const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
  if (!shellcheck && format === 'text') io.stderr.write('note: shellcheck is not installed, so its checks were skipped (Debian package shellcheck)\n');
  const { read, skipped } = foundReader(inputs, io.cwd);
  const docs = files.flatMap((file) => {
    const text = read(file);
    return text === null ? [] : [{ file, text }];
  });
  io.stderr.write(skippedNote(skipped));
  const findings: Finding[] = checkDocuments(docs, shellcheck, (check) => config.rules[check.id] ?? check.severity);
  const snippets = new Map(docs.map((d) => [d.file, lineSnippets(d.text)]));
  for (const f of findings) f.snippet = snippets.get(f.file)?.(f.line);
  findings.sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1));
  const rules = CHECKS.map(({ id, severity, description }) => ({ id, severity, description, check: () => [] }));
  for (const piece of formatFindings(format, findings, rules, docs.length, __VERSION__, outputPlace(io.cwd, 'check.md'), 'checked')) io.stdout.write(piece);
  return findings.some((f) => f.severity === 'error') ? EXIT.failure : EXIT.ok;
}
