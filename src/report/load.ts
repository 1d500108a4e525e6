import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readSource } from '../document/source.js';
import { UserError } from '../errors.js';
import { parseRunbook } from '../parser/index.js';
import { journalPath, logPath, readJournal } from '../session/journal.js';
import { runbookSecrets } from '../session/secrets.js';
import { buildTimeline, type Timeline } from '../session/timeline.js';
import { excerpts } from './output.js';

/** Everything a picture of a session shows: its timeline, where it came from, and output excerpts. */
export interface SessionPicture {
  title: string;
  timeline: Timeline;
  /** The template and its commit, from the session record in front matter. */
  template: string | null;
  commit: string | null;
  /** The last lines of each bar's output, masked, by bar index. */
  output: Array<string | null>;
}

/** Reads a session doc, its journal and its output log into a picture. Runs nothing, writes nothing. */
export function loadPicture(file: string, env: Readonly<Record<string, string | undefined>> = {}): SessionPicture {
  const source = readSource(file);
  const model = parseRunbook(source.text);
  const journal = journalPath(file);
  if (!existsSync(journal)) throw new UserError(`${file}: no session recorded yet (no ${journal}); play or run it first`);
  const timeline = buildTimeline(readJournal(journal), model);
  if (!timeline.sessions.length) throw new UserError(`${file}: the journal ${journal} holds no session; play or run it first`);
  const record = model.frontMatter?.data.runbook as Record<string, unknown> | undefined;
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const secrets = runbookSecrets(model, env).values;
  const log = logPath(file);
  return {
    title: model.sections[0]?.text ?? basename(file),
    timeline,
    template: text(record?.template),
    commit: text(record?.commit),
    output: excerpts(existsSync(log) ? readFileSync(log, 'utf8') : '', timeline.bars, secrets),
  };
}
