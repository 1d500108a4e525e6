import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Copies the bundled runbooks (docs/runbooks) into `dir` as they were committed. Playing them
 * (the README's first command) ticks them, writes result lines and leaves a session folder
 * (`.runbook/`) beside them; tests that run them start from the committed text instead, and
 * without that session's journal. Outside a git checkout the files are taken as they are.
 */
export function copyBundledRunbooks(dir: string): void {
  cpSync('docs/runbooks', dir, { recursive: true, filter: (source) => !/[\\/]\.runbook(?:[\\/]|$)/.test(source) && !source.endsWith('.lock') });
  for (const name of readdirSync('docs/runbooks').filter((f) => f.endsWith('.md'))) writeFileSync(join(dir, name), committedText(`docs/runbooks/${name}`));
}

/**
 * The text of `path` (from the repository's top) as it was committed: a bundled runbook played
 * before the tests (the README's first command) is ticked and has result lines and a timeline.
 * A file that is not committed, or outside a git checkout, is read as it is.
 */
export function committedText(path: string): string {
  const committed = spawnSync('git', ['show', `HEAD:${path}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return committed.status === 0 ? committed.stdout : readFileSync(path, 'utf8');
}
