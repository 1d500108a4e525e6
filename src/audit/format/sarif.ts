import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding, Rule } from '../types.js';

/** Where SARIF paths start from and where each rule's documentation lives. */
export interface OutputPlace {
  /** The repository's top folder: every URI is relative to it, as code scanning expects. */
  root: string;
  /** The folder the findings' paths are relative to. */
  cwd: string;
  /** The documentation page whose `#rule-id` sections describe the rules (`audit.md`, `check.md`). */
  docPage: string;
}

/** The documentation every `helpUri` points into (the repository's placeholder owner). */
export const DOCS_URL = 'https://github.com/runbook-cli/runbook/blob/main/docs/';

/** A path relative to the repository root, with forward slashes: what code scanning and annotations place. */
export function rootPath(file: string, place: OutputPlace): string {
  const path = relative(place.root, isAbsolute(file) ? file : resolve(place.cwd, file));
  return path.split(sep).join('/');
}

/**
 * A fingerprint that survives edits elsewhere in the file: the rule, the file, the message (line
 * numbers in it left out) and the text of the finding's line, plus how many identical findings
 * came before it. Code scanning matches results across pushes by it, so a finding moved down by
 * an unrelated edit above it stays the same alert instead of being closed and reopened.
 */
function fingerprints(findings: Finding[], uris: string[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f, i) => {
    const message = f.message.replace(/\bline \d+/g, 'line');
    const hash = createHash('sha256').update([f.ruleId, uris[i], message, f.snippet ?? ''].join('\0')).digest('hex').slice(0, 32);
    const count = seen.get(hash) ?? 0;
    seen.set(hash, count + 1);
    return `${hash}:${count + 1}`;
  });
}

/** SARIF 2.1.0, for code scanning: URIs from the repository root, rule metadata, stable fingerprints. */
export function formatSarif(findings: Finding[], rules: Rule[], version: string, place: OutputPlace): string {
  const ids = rules.map((r) => r.id);
  const uris = findings.map((f) => rootPath(f.file, place));
  const prints = fingerprints(findings, uris);
  const descriptors: ReportingDescriptor[] = rules.map((r) => ({
    id: r.id,
    name: r.id,
    shortDescription: { text: r.description },
    helpUri: `${DOCS_URL}${place.docPage}#${r.id}`,
    defaultConfiguration: { level: r.severity },
  }));
  const results: Result[] = findings.map((f, i) => ({
    ruleId: f.ruleId,
    ruleIndex: ids.indexOf(f.ruleId),
    level: f.severity,
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: uris[i]!.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' }, region: { startLine: f.line, startColumn: f.column } } }],
    partialFingerprints: { 'runbookFinding/v1': prints[i]! },
  }));
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'runbook', version, informationUri: 'https://github.com/runbook-cli/runbook', rules: descriptors } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToFileURL(place.root).href.replace(/\/?$/, '/')}` } },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
