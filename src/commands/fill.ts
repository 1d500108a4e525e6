import { ConflictError } from '../document/conflict.js';
import { Document } from '../document/document.js';
import { formatTime } from '../document/time.js';
import { EXIT, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { printReports } from './print.js';
import { findTarget } from './target.js';

export interface FillOptions {
  line: number;
  column: string;
  value?: string;
  now?: boolean;
}

/** `runbook fill FILE --line N --column NAME (--value TEXT | --now)`. */
export function fillCommand(file: string, options: FillOptions, io: Io, clock: () => Date = () => new Date()): number {
  if ((options.value === undefined) === !options.now) throw new UserError('give exactly one of --value TEXT and --now');
  const doc = Document.open(file, { lock: 'runbook fill' });
  try {
    const target = findTarget(doc, options.line, options.column, 'any');
    if (target.kind !== 'cell') throw new UserError(`${file}:${options.line} is a task; fill names a table cell`);
    const value = options.now ? formatTime(clock()) : options.value!;
    printReports(io, file, doc.apply([{ kind: 'fill', anchor: target.anchor, value }]));
  } finally {
    doc.close();
  }
  // A write into the file that landed after ours, which could not be merged (see Document.close).
  const [late] = doc.conflicts;
  if (late) throw new ConflictError(late);
  return EXIT.ok;
}
