import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { EVIDENCE_CAP, evidenceCap, EVIDENCE_FOLDER, evidenceColumn, readEvidence, type EvidenceEntry } from '../../parser/index.js';
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
    const sha256 = hashOf(folder, entry.name);
    if (sha256 === NOT_A_COPY) found.changed.push(hit(`evidence \`${entry.name}\` is not a stored copy (a link, a device or a folder, or past the size cap): not read`));
    else if (sha256 === null) found.missing.push(hit(`evidence \`${entry.name}\` is not stored in ${EVIDENCE_FOLDER}/`));
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

const NOT_A_COPY = Symbol('not a stored copy');

/**
 * The SHA-256 of the stored copy `name` under `folder`; null when there is none, NOT_A_COPY when
 * what is there is not one runbook could have kept: a document from a pull request must not make
 * `audit` read a device for ever, or read (and fingerprint in its log) a file outside the folder
 * through a link. A copy is a regular file inside the folder, at most the evidence size cap.
 */
function hashOf(folder: string, name: string): string | null | typeof NOT_A_COPY {
  let fd: number;
  try {
    const inside = realpathSync(join(folder, name));
    if (!inside.startsWith(realpathSync(folder) + sep)) return NOT_A_COPY;
    fd = openSync(join(folder, name), constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : NOT_A_COPY;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > cap()) return NOT_A_COPY;
    const hash = createHash('sha256');
    const chunk = Buffer.alloc(64 * 1024);
    for (let read = 0, total = 0; (read = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) {
      if ((total += read) > stat.size) return NOT_A_COPY;
      hash.update(chunk.subarray(0, read));
    }
    return hash.digest('hex');
  } catch {
    return NOT_A_COPY;
  } finally {
    closeSync(fd);
  }
}

/** The evidence size cap in force (the default where the variable is not a size). */
function cap(): number {
  try {
    return Math.max(evidenceCap(process.env), EVIDENCE_CAP);
  } catch {
    return EVIDENCE_CAP;
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

