import { closeSync, fsyncSync, writeSync } from 'node:fs';
import { EXIT, UserError } from '../errors.js';
import { createWithMode } from './write.js';

/**
 * Someone else changed the document while a session was writing it, and the session's changes
 * could not be made to their version: their version stays in the document and the session's
 * version is kept beside it, whole, for a person to merge.
 */
export interface Conflict {
  /** The document. */
  path: string;
  /** The file beside it holding the session's version: `<path>.conflict-<time>`. */
  kept: string;
  /** When it happened (ISO 8601, UTC). */
  at: string;
  /** The changes that are in the kept version but not in the document, described. */
  changes: string[];
  /** Why they could not be made to the other version. */
  reason: string;
}

/** A conflict in words, the same wherever it is told: what happened and where each version is. */
export function conflictText(conflict: Conflict): string {
  return `${conflict.path} was changed by someone else while runbook was writing it, and ${conflict.reason}. Their version stays in ${conflict.path}; runbook's version (with ${conflict.changes.join(', ')}) was kept in ${conflict.kept}. Compare the two and merge by hand.`;
}

/** A conflict as the error a command stops with (exit 1): the message says where each version is. */
export class ConflictError extends UserError {
  constructor(readonly conflict: Conflict) {
    super(conflictText(conflict), EXIT.failure);
    this.name = 'ConflictError';
  }
}

/** Writes `bytes` to a new `<path>.conflict-<time>` file (never over an existing one) and returns its name. */
export function keepBeside(path: string, bytes: Uint8Array, mode: number, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  for (let n = 1; ; n++) {
    const name = `${path}.conflict-${stamp}${n === 1 ? '' : `-${n}`}`;
    let fd: number;
    try {
      fd = createWithMode(name, mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return name;
  }
}
