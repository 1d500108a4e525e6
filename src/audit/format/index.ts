import { printable } from '../../io.js';
import type { Rule, Finding } from '../types.js';
import { formatSarif, rootPath, type OutputPlace } from './sarif.js';

/**
 * How many findings (lines, in text) one piece of output holds. Output is made and written a piece
 * at a time: the whole of a large audit's as one string (21 MB of JSON for 1 000 session docs), or
 * all its pieces made before the first is written, costs that much memory kept alive (and copied
 * by the collector as it grows); a piece written as soon as it is made is garbage young.
 */
const PIECE = 512;

/** `lines` as pieces of output, each line ending in a newline. */
function* linePieces(lines: Iterable<string>): Generator<string> {
  let piece: string[] = [];
  for (const line of lines) {
    piece.push(line);
    if (piece.length === PIECE) {
      yield `${piece.join('\n')}\n`;
      piece = [];
    }
  }
  if (piece.length) yield `${piece.join('\n')}\n`;
}

/** Human text: one line per finding, grouped by file, then a summary. */
export function formatText(findings: Finding[], files: number, verb = 'audited'): Iterable<string> {
  return linePieces(textLines(findings, files, verb));
}

function* textLines(findings: Finding[], files: number, verb: string): Generator<string> {
  let current = '';
  for (const f of findings) {
    if (f.file !== current) {
      if (current) yield '';
      yield printable(f.file);
      current = f.file;
    }
    // One line per finding: a task's text may span lines (a wrapped list item, CR LF).
    // Quoted document text never drives the terminal (see `printable`).
    yield printable(`${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.message.replace(/\s*[\r\n]+\s*/g, ' ')}  ${f.ruleId}`);
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  if (findings.length) yield '';
  yield `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} ${verb}`;
}

/** What JSON output says of a finding, in this order (not its line, kept for SARIF). */
const JSON_KEYS = ['file', 'line', 'column', 'severity', 'ruleId', 'message'];

/**
 * JSON: an array of findings, two spaces deep. Each piece is a slice of the array written as the
 * whole would be: its elements sit at the same depth, so only the brackets are cut off.
 */
export function* formatJson(findings: Finding[]): Generator<string> {
  if (!findings.length) {
    yield '[]\n';
    return;
  }
  yield '[\n';
  for (let i = 0; i < findings.length; i += PIECE) {
    const slice = JSON.stringify(findings.slice(i, i + PIECE), JSON_KEYS, 2);
    yield `${i ? ',\n' : ''}${slice.slice(2, -2)}`;
  }
  yield '\n]\n';
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * GitHub Actions workflow commands: each finding annotates the pull request's diff. Paths are
 * from the repository root, where GitHub looks for them, whatever folder the audit ran in.
 */
export function formatGithub(findings: Finding[], place: OutputPlace): Iterable<string> {
  return linePieces(githubLines(findings, place));
}

function* githubLines(findings: Finding[], place: OutputPlace): Generator<string> {
  for (const f of findings) yield `::${f.severity === 'error' ? 'error' : 'warning'} file=${escapeProperty(rootPath(f.file, place))},line=${f.line},col=${f.column},title=${escapeProperty(f.ruleId)}::${escapeData(f.message)}`;
}

/** A table cell's text: pipes escaped and line breaks folded, so the table stays one row. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** `s` as a code span, whatever backticks it holds: fenced by a longer run, spaced when it starts or ends with one. */
function codeSpan(s: string): string {
  const fence = '`'.repeat(Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/**
 * A Markdown job summary (for `$GITHUB_STEP_SUMMARY`): the totals, then one table row per file
 * with findings — its error and warning counts and each finding with its line.
 */
export function formatSummary(findings: Finding[], files: number, place: OutputPlace, verb = 'audited'): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const out = [`### runbook ${verb === 'audited' ? 'audit' : 'check'}`, '', `${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} warning${findings.length - errors === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} ${verb}`, ''];
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const file = rootPath(f.file, place);
    const list = byFile.get(file);
    if (list) list.push(f);
    else byFile.set(file, [f]);
  }
  if (byFile.size) {
    out.push('| File | Errors | Warnings | Findings |', '|---|---:|---:|---|');
    for (const [file, list] of byFile) {
      const fileErrors = list.filter((f) => f.severity === 'error').length;
      const items = list.map((f) => `${f.severity === 'error' ? '❌' : '⚠️'} line ${f.line}: ${cell(f.message)} (\`${f.ruleId}\`)`);
      out.push(`| ${codeSpan(cell(file))} | ${fileErrors} | ${list.length - fileErrors} | ${items.join('<br>')} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/**
 * The findings in the format asked for (`text`, `json`, `github`, `sarif`), as pieces to write in
 * turn: in text, JSON and workflow commands each is made when the one before has been taken;
 * SARIF, one JSON document, is one piece. They can be taken once.
 */
export function formatFindings(format: string, findings: Finding[], rules: Rule[], files: number, version: string, place: OutputPlace, verb = 'audited'): Iterable<string> {
  if (format === 'json') return formatJson(findings);
  if (format === 'github') return formatGithub(findings, place);
  if (format === 'sarif') return [formatSarif(findings, rules, version, place)];
  return formatText(findings, files, verb);
}

/** The output formats audit and check write. */
export const FORMATS = ['text', 'json', 'github', 'sarif'];
