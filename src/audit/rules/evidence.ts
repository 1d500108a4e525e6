import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { EVIDENCE_FOLDER, evidenceColumn, readEvidence, type EvidenceEntry } from '../../parser/index.js';
import { cellColumn } from './place.js';
import type { AuditContext, Hit, Rule } from '../types.js';

/** What became of each stored copy an evidence line names, worked out once per document. */
const verdicts = new WeakMap<AuditContext, { missing: Hit[]; changed: Hit[] }>();

function verdict(context: AuditContext): { missing: Hit[]; changed: Hit[] } {
  let found = verdicts.get(context);
  if (found) return found;
  found = { missing: [], changed: [] };
  const folder = join(dirname(context.file), EVIDENCE_FOLDER);
  for (const entry of entries(context)) {
    if (entry.sha256 === null) continue;
    const hit = (message: string): Hit => ({ line: entry.line, column: entry.column, message });
    if (isAbsolute(entry.name) || normalize(entry.name).startsWith('..')) {
      found.changed.push(hit(`evidence \`${entry.name}\` names no file under ${EVIDENCE_FOLDER}/`));
      continue;
    }
    const sha256 = hashOf(join(folder, entry.name));
    if (sha256 === null) found.missing.push(hit(`evidence \`${entry.name}\` is not stored in ${EVIDENCE_FOLDER}/`));
    else if (!sha256.startsWith(entry.sha256)) found.changed.push(hit(`evidence \`${entry.name}\` changed since it was kept: sha256 ${sha256.slice(0, entry.sha256.length)}, the line says ${entry.sha256}`));
  }
  verdicts.set(context, found);
  return found;
}

/** Every entry of every evidence line and Evidence cell, with its place. */
function entries({ model, text }: AuditContext): Array<Pick<EvidenceEntry, 'name' | 'sha256' | 'line' | 'column'>> {
  const found: Array<Pick<EvidenceEntry, 'name' | 'sha256' | 'line' | 'column'>> = model.blocks.flatMap((block) => block.evidence?.entries ?? []);
  for (const table of model.tables) {
    const column = evidenceColumn(table.header);
    if (column === -1) continue;
    for (const row of table.rows) {
      const cell = row.cells[column]!;
      for (const entry of readEvidence(cell.text, true) ?? []) {
        found.push({ ...entry, line: row.line, column: cellColumn(text, cell.span.start + text.slice(cell.span.start, cell.span.end).indexOf(`\`${entry.name}\``)) });
      }
    }
  }
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

function hashOf(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

/** A stored evidence copy whose content no longer matches the hash its line records. */
export const evidenceChanged: Rule = {
  id: 'evidence-changed',
  severity: 'error',
  description: 'A stored evidence copy no longer matches the SHA-256 its evidence line records.',
  check: (context) => verdict(context).changed,
};

/**
 * A stored evidence copy that is not there. A warning by default: copies are often kept out of
 * Git, so a CI checkout has none; `audit --evidence` makes it an error where they must be.
 */
export const evidenceMissing: Rule = {
  id: 'evidence-missing',
  severity: 'warning',
  description: 'An evidence line names a stored copy that is not there (an error with --evidence).',
  check: (context) => verdict(context).missing,
};

