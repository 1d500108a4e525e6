import type { Runbook } from '../parser/index.js';

/** How bad a finding is; `off` in configuration turns a rule off. */
export type Severity = 'error' | 'warning';

/** A problem found in a document, tied to a place. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  ruleId: string;
  message: string;
  /** The finding's line, trimmed: SARIF fingerprints hold it so they survive edits elsewhere. */
  snippet?: string;
}

/** What a rule sees of one document. */
export interface AuditContext {
  file: string;
  text: string;
  model: Runbook;
  /**
   * The template the session doc was created from, as it was then (at the pinned commit, or today's
   * file while its SHA-256 is the pinned one), when its front matter names one.
   */
  template: { path: string; text: string; model: Runbook } | null;
  /** The path the front matter names, when it names one. */
  templateRef: string | null;
  /** Why the template cannot be compared (unreadable, or changed since and its commit unknown). */
  templateNote: { field: 'template' | 'sha256'; message: string } | null;
  placeholders: string[];
  pendingWords: string[];
  now: Date;
}

/** A finding before the rule's id, severity and file are added. */
export type Hit = { line: number; column: number; message: string };

/** One audit rule: an id, a default severity, a one-line description, and a check. */
export interface Rule {
  id: string;
  severity: Severity;
  description: string;
  check(context: AuditContext): Hit[];
}
