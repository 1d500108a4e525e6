/**
 * The evidence line written under a block's result line, or into a row's Evidence cell. It is a
 * plain paragraph with a fixed shape, so every renderer shows it and the parser reads it back:
 *
 *     *evidence:* `3f9a21c0b2d4/api.log` · 48.0 KB · sha256 3f2a9c0d1e2f3a4b; `/tmp/x.log` · not found after the block
 *
 * Each entry names the stored copy (relative to `.runbook/evidence/`) or, when none was kept, the
 * file as the block named it with a note saying why.
 */

/** Where stored copies live, relative to the document's folder; entries name files below it. */
export const EVIDENCE_FOLDER = '.runbook/evidence';

/** A table column whose cells take a row's evidence. */
export const EVIDENCE_COLUMN = /^evidence$/i;

/** The Evidence column of a table (header read without emphasis or code marks), or -1. */
export function evidenceColumn(header: readonly string[]): number {
  return header.findIndex((name) => EVIDENCE_COLUMN.test(name.replace(/[`*_]/g, '').trim()));
}

/** The line's label. */
export const EVIDENCE_LABEL = '*evidence:*';

/** An entry as written, before it is given a place. */
export interface EvidenceText {
  name: string;
  detail: string;
  sha256: string | null;
}

const ENTRY = /`([^`]+)`[ \t]+·[ \t]+([^·;`]*?)(?:[ \t]+·[ \t]+sha256[ \t]+([0-9a-f]{8,64}))?[ \t]*(?:;[ \t]*|$)/y;

/** Reads the entries of an evidence line or cell, with their offsets in `text`; null when it is not one. */
export function readEvidence(text: string, cell = false): Array<EvidenceText & { offset: number }> | null {
  let at = 0;
  if (!cell) {
    // As written, or as a Markdown formatter (Prettier) rewrites the emphasis: `_evidence:_`.
    if (!text.startsWith(EVIDENCE_LABEL) && !text.startsWith('_evidence:_')) return null;
    at = EVIDENCE_LABEL.length;
    while (text[at] === ' ' || text[at] === '\t') at++;
  }
  const entries: Array<EvidenceText & { offset: number }> = [];
  const body = text.trimEnd();
  while (at < body.length) {
    ENTRY.lastIndex = at;
    const match = ENTRY.exec(body);
    if (!match || match[0].length === 0) return null;
    entries.push({ name: match[1]!, detail: match[2]!.trim(), sha256: match[3] ?? null, offset: at });
    at = ENTRY.lastIndex;
  }
  return entries.length ? entries : null;
}

/** Writes an evidence line (`cell`: just its entries, for a table cell). */
export function formatEvidence(entries: EvidenceText[], cell = false): string {
  const text = entries
    .map((e) => `\`${e.name.replace(/`/g, "'")}\` · ${e.detail.replace(/[·;`|]/g, '-')}${e.sha256 ? ` · sha256 ${e.sha256}` : ''}`)
    .join('; ');
  return cell ? text : `${EVIDENCE_LABEL} ${text}`;
}

/** A size in the words evidence lines use: `312 B`, `48.0 KB`, `12.3 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The most bytes of one file kept as evidence, unless `RUNBOOK_EVIDENCE_MAX_BYTES` says otherwise. */
export const EVIDENCE_CAP = 10 * 1024 * 1024;

/** The size cap in force: `RUNBOOK_EVIDENCE_MAX_BYTES` (a whole number of bytes above zero), else 10 MiB. */
export function evidenceCap(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const value = env.RUNBOOK_EVIDENCE_MAX_BYTES?.trim();
  if (!value) return EVIDENCE_CAP;
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new RangeError(`RUNBOOK_EVIDENCE_MAX_BYTES=${value} is not a number of bytes above zero (10485760 is 10 MiB)`);
  return Number(value);
}
