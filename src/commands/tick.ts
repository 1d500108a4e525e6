import { ConflictError } from '../document/conflict.js';
import { Document } from '../document/document.js';
import { EXIT, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { printReports } from './print.js';
import { findTarget } from './target.js';

export interface TickOptions {
  line: number;
  column?: string;
  undo?: boolean;
  fail?: boolean;
}

/** `runbook tick FILE --line N [--column C] [--undo | --fail]`. */
export function tickCommand(file: string, options: TickOptions, io: Io): number {
  if (options.undo && options.fail) throw new UserError('--undo and --fail exclude each other');
  const doc = Document.open(file, { lock: 'runbook tick' });
  try {
    const target = findTarget(doc, options.line, options.column, 'checkbox');
    if (target.kind === 'task') {
      if (options.fail) throw new UserError(`${file}:${options.line}: a task has no failed state; --fail is for table checkbox cells`);
      printReports(io, file, doc.apply([{ kind: 'task', anchor: target.anchor, checked: !options.undo }]));
    } else {
      if (!target.checkbox) throw new UserError(`${file}:${options.line}: the cell "${target.anchor.column}" holds no checkbox`);
      const state = options.fail ? 'failed' : options.undo ? 'unchecked' : 'checked';
      printReports(io, file, doc.apply([{ kind: 'checkbox', anchor: target.anchor, state }]));
    }
  } finally {
    doc.close();
  }
  // A write into the file that landed after ours, which could not be merged (see Document.close).
  const [late] = doc.conflicts;
  if (late) throw new ConflictError(late);
  return EXIT.ok;
}
