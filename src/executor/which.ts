import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Whether `command` is an executable file in one of `PATH`'s folders. Looking costs a few stat
 * calls, where asking the shell (`command -v`) would cost a process start on every run.
 */
export function onPath(command: string, path: string | undefined): boolean {
  for (const dir of (path ?? '').split(delimiter)) {
    // An empty entry means the current folder, as in the shell.
    const file = join(dir || '.', command);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return true;
    } catch {
      // Not here.
    }
  }
  return false;
}
