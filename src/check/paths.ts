import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A command up to the next operator or line end, and its words that are not options. */
const SEGMENT = /\b(mkdir|touch|cp|mv|ln|install|rsync|git\s+clone)\s+([^;&|<>\n]*)/g;
/** A redirection or an output option and the path it writes. */
const WRITES = /(?:(?:^|[^<>&0-9])>{1,2}\|?|\btee(?:\s+-\S+)*|(?:^|\s)(?:-o|-O|--output(?:-document)?)(?:\s+|=))\s*([^\s;&|<>]+)/gm;

/**
 * The paths (resolved from `from`) that a block's text creates, as far as a reading can tell:
 * every operand of `mkdir` and `touch`, the last of `cp`, `mv`, `ln`, `install` and `rsync`, the
 * folder of `git clone URL DIR`, and what a redirection, `tee`, `-o` or `--output` writes.
 */
export function createdPaths(body: string, from: string): string[] {
  const words: string[] = [];
  for (const match of body.matchAll(SEGMENT)) {
    const operands = match[2]!.trim().split(/\s+/).filter((w) => w && !w.startsWith('-'));
    if (match[1] === 'mkdir' || match[1] === 'touch') words.push(...operands);
    else if (match[1]!.startsWith('git')) words.push(operands[1] ?? '');
    else if (operands.length > 1) words.push(operands[operands.length - 1]!);
  }
  for (const match of body.matchAll(WRITES)) words.push(match[1]!);
  return words.map((w) => w.replace(/^["']|["']$/g, '')).filter((w) => w && !w.includes('$') && !w.startsWith('-')).map((w) => resolve(from, w));
}

/** Whether `path` is one of `created`, or inside one of them (a folder made earlier). */
export function isCreated(path: string, created: readonly string[]): boolean {
  return created.some((c) => path === c || path.startsWith(`${c}/`));
}

/** The top folder of the Git work tree holding `dir`, or null outside one. */
function repositoryRoot(dir: string): string | null {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return at;
    if (dirname(at) === at) return null;
  }
}

/**
 * Where a root-relative link (`/docs/x.md`) points, or null when it cannot be checked. GitHub
 * reads it from the repository's top folder; a docs site from its own root, which no file names.
 * So it is checked only when its first segment is something at the repository's top; otherwise
 * it is a link into a site (`/status`, `/grafana/d/…`) and left alone.
 */
export function rootLinkTarget(path: string, dir: string): string | null {
  const root = repositoryRoot(dir);
  if (root === null) return null;
  const first = path.replace(/^\/+/, '').split('/')[0]!;
  if (!first || !existsSync(join(root, first))) return null;
  return join(root, path);
}
