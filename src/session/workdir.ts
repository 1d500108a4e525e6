import { statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

/** Where the first block of a session starts, and what decided it. */
export interface StartDir {
  dir: string;
  from: 'option' | 'front-matter' | 'document';
}

/**
 * Where a session's shell starts: `--cwd` (relative to where the tool was started), else the
 * front matter's `cwd:` (relative to the document's folder; `cwd: ..` for a runbook in `docs/`
 * whose commands expect the repository root), else the document's folder. Throws, saying why,
 * when that is not a folder.
 */
export function startDir(docPath: string, frontMatter: Record<string, unknown>, option: { dir: string; base: string } | null): StartDir {
  const docDir = dirname(resolve(docPath));
  let found: StartDir;
  if (option) {
    found = { dir: resolve(option.base, option.dir), from: 'option' };
  } else if (frontMatter.cwd !== undefined && frontMatter.cwd !== null) {
    if (typeof frontMatter.cwd !== 'string' || frontMatter.cwd.trim() === '') throw new Error('front matter `cwd:` must be a folder path');
    found = { dir: isAbsolute(frontMatter.cwd) ? frontMatter.cwd : resolve(docDir, frontMatter.cwd), from: 'front-matter' };
  } else {
    return { dir: docDir, from: 'document' };
  }
  let folder = false;
  try {
    folder = statSync(found.dir).isDirectory();
  } catch {
    folder = false;
  }
  if (!folder) throw new Error(`${found.from === 'option' ? '--cwd' : 'front matter `cwd:`'} ${found.dir} is not a folder`);
  return found;
}
