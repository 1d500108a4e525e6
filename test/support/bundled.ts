import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Copies the bundled runbooks (docs/runbooks) into `dir` as they were committed. Playing them
 * (the README's first command) ticks them, writes result lines and leaves a session folder
 * (`.runbook/`) beside them; tests that run them start from the committed text instead, and
 * without that session's journal. Outside a git checkout the files are taken as they are.
 */
export function copyBundledRunbooks(dir: string): void {
  cpSync('docs/runbooks', dir, { recursive: true, filter: (source) => !/[\\/]\.runbook(?:[\\/]|$)/.test(source) && !source.endsWith('.lock') });
  for (const name of readdirSync('docs/runbooks').filter((f) => f.endsWith('.md'))) {
    const committed = spawnSync('git', ['show', `HEAD:docs/runbooks/${name}`]);
    if (committed.status === 0) writeFileSync(join(dir, name), committed.stdout);
  }
}
