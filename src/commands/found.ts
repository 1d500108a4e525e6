import { resolve } from 'node:path';
import { readSource } from '../document/source.js';
import { UserError } from '../errors.js';

/**
 * Reads the documents `audit` and `check` found through folders, globs or `--changed`. One that
 * cannot be read as Markdown (empty, not UTF-8, too large) is skipped, its reason kept in
 * `skipped`, rather than stopping the run: nobody named it, and an empty placeholder added in a
 * pull request must not keep every other document from being checked. A file named on the
 * command line is still refused (the UserError goes up).
 */
export function foundReader(inputs: string[], cwd: string): { read: (file: string) => string | null; skipped: string[] } {
  const named = new Set(inputs.map((input) => resolve(cwd, input)));
  const skipped: string[] = [];
  const read = (file: string): string | null => {
    try {
      return readSource(file).text;
    } catch (error) {
      if (!(error instanceof UserError) || named.has(resolve(cwd, file))) throw error;
      skipped.push(error.message);
      return null;
    }
  };
  return { read, skipped };
}

/** The line that says which found files were skipped, and why, for standard error. */
export function skippedNote(skipped: string[]): string {
  return skipped.map((reason) => `runbook: skipped ${reason}\n`).join('');
}
