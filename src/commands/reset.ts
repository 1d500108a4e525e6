import { Document } from '../document/document.js';
import { applyEdits } from '../document/edits.js';
import { resetEdits } from '../document/ops.js';
import { readFileSync } from 'node:fs';
import { sha256 } from '../document/source.js';
import { EXIT, UserError } from '../errors.js';
import { println, type Io } from '../io.js';
import { LineIndex } from '../parser/index.js';

/** `runbook reset FILE [--cells]`: untick everything and remove result lines (and time cells). */
export function resetCommand(file: string, options: { cells?: boolean }, io: Io): number {
  const doc = Document.open(file, { lock: 'runbook reset' });
  try {
    const { text } = doc.source;
    const edits = resetEdits(text, doc.model, options);
    if (edits.length === 0) {
      println(io.stdout, `${file}: nothing to reset`);
      return EXIT.ok;
    }
    if (sha256(readFileSync(file)) !== doc.source.hash) {
      throw new UserError(`${file} changed on disk while it was being reset; nothing was written. Run again.`);
    }
    doc.replaceText(applyEdits(text, edits), 'the reset');
    const lines = new LineIndex(text);
    for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
      const before = text.slice(edit.start, edit.end).trim();
      const what = edit.text === '' && /^\*runbook:\*/.test(before) ? 'result line removed' : edit.text === '' && /^<!-- session timeline/.test(before) ? 'timeline removed' : `${before || '(empty)'} → ${edit.text.trim() || '(empty)'}`;
      println(io.stdout, `${file}:${lines.line(edit.start)}  ${what}`);
    }
    return EXIT.ok;
  } finally {
    doc.close();
  }
}
