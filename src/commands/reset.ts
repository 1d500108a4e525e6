import { Document } from '../document/document.js';
import { applyEdits } from '../document/edits.js';
import { resetEdits } from '../document/ops.js';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { evidenceRoot } from '../session/evidence.js';
import { sha256 } from '../random.js';
import { EXIT, UserError } from '../errors.js';
import { println, type Io } from '../io.js';
import { LineIndex } from '../parser/index.js';

/** `runbook reset FILE [--cells]`: untick everything and remove result and evidence lines (and time cells); stored evidence stays. */
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
      const raw = text.slice(edit.start, edit.end);
      const before = raw.trim();
      // What a removal took (in a block quote or list item, after its prefix; one removal may take
      // a result line and the timeline under it).
      const took = [
        [/(?:^|\n)[ \t>]*\*runbook:\*/, 'result line removed'],
        [/(?:^|\n)[ \t>]*\*evidence:\*/, 'evidence line removed'],
        [/<!-- session timeline/, 'timeline removed'],
      ].flatMap(([pattern, said]) => (edit.text === '' && (pattern as RegExp).test(raw) ? [said as string] : []));
      const what = took.length ? took.join(', ') : `${before || '(empty)'} → ${edit.text.trim() || '(empty)'}`;
      println(io.stdout, `${file}:${lines.line(edit.start + raw.length - raw.trimStart().length)}  ${what}`);
    }
    // The copies are the record of what was seen: a reset of the document never deletes them.
    if (existsSync(evidenceRoot(file))) println(io.stdout, `${file}: stored evidence in ${relative(io.cwd, evidenceRoot(file)) || '.'} is kept (chain of custody); delete it yourself if it must go`);
    return EXIT.ok;
  } finally {
    doc.close();
  }
}
