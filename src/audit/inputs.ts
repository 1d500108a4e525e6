import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { UserError } from '../errors.js';
import type { AuditConfig } from './config.js';
import type { OutputPlace } from './format/sarif.js';

const SKIP = new Set(['node_modules', '.git', '.runbook']);

function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${dir}: ${code === 'EACCES' ? "permission denied; check the folder's permissions" : `cannot list the folder (${code ?? 'unknown error'})`}`);
  }
  for (const entry of entries) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile() && entry.name.endsWith('.md')) out.push(path);
  }
}

const toPosix = (p: string) => p.split(sep).join('/');

/** Expands files, folders (every `*.md` below) and globs, relative to `cwd`, in a stable order. */
export function expandInputs(inputs: string[], cwd: string): string[] {
  const found = new Set<string>();
  for (const input of inputs) {
    const path = resolve(cwd, input);
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) {
        const files: string[] = [];
        walk(path, files);
        for (const f of files) found.add(relative(cwd, f) || f);
      } else found.add(input);
      continue;
    }
    const scan = picomatch.scan(input);
    if (!scan.isGlob) throw new UserError(`${input}: no such file or folder`);
    // Walked from the pattern's own folder (`docs/` of `docs/**/*.md`, `../x` or an absolute one),
    // not the whole current folder: nothing else is read, and `..` or `/…` patterns match too.
    const base = resolve(cwd, scan.base || '.');
    const match = picomatch(scan.glob, { dot: false });
    const files: string[] = [];
    if (existsSync(base) && statSync(base).isDirectory()) walk(base, files);
    const hits = files.filter((f) => match(toPosix(relative(base, f)))).map((f) => (isAbsolute(input) ? f : toPosix(relative(cwd, f))));
    if (!hits.length) throw new UserError(`${input}: the pattern matches no Markdown file`);
    for (const f of hits) found.add(f);
  }
  return [...found].sort();
}

/**
 * The repository's top folder (git's top level) for `cwd`, or `cwd` itself outside a git
 * checkout: SARIF and annotation paths start there, whatever folder the audit runs in.
 */
function repositoryRoot(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return resolve(cwd);
  }
}

/**
 * Where output written in `cwd` places its paths: the repository's top folder is asked of git
 * (a process) only by the formats that write paths from it, not by text and JSON.
 */
export function outputPlace(cwd: string, docPage: string): OutputPlace {
  let root: string | undefined;
  return {
    cwd,
    docPage,
    get root() {
      return (root ??= repositoryRoot(cwd));
    },
  };
}

/**
 * The Markdown files under `cwd` as git sees them — tracked, and new ones it does not ignore —
 * relative to `cwd`, or null outside a git checkout.
 */
function gitMarkdown(cwd: string): string[] | null {
  try {
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '*.md'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    // A file deleted but not yet committed is still listed as tracked.
    return [...new Set(listed.split('\0'))].filter((name) => name && existsSync(join(cwd, name)));
  } catch {
    return null;
  }
}

/**
 * What `audit` looks at without inputs: the session docs under `cwd` — documents whose front
 * matter names the template they were made from (as `runbook new` and `play --new` write it),
 * or that match the configured session-doc globs — found through git where there is a checkout
 * (so `.gitignore` is honoured), else by walking the folder. Templates, fixtures and other
 * Markdown are counted as skipped.
 */
export function sessionDocs(cwd: string, config: AuditConfig, isSession: (file: string) => boolean): { files: string[]; skipped: number } {
  const all = gitMarkdown(cwd) ?? expandInputs(['.'], cwd);
  const globs = config.sessionDocs.length ? picomatch(config.sessionDocs) : () => false;
  const files = all.filter((file) => globs(toPosix(relative(config.root, resolve(cwd, file)))) || isSession(file)).sort();
  return { files, skipped: all.length - files.length };
}

/**
 * The Markdown files added or modified since `ref` (from its merge base with HEAD, as a pull
 * request sees them), including edits not committed yet and new files git does not ignore, kept
 * when they match the configured session-doc globs (all, without any). In a clean checkout, as in
 * CI, that is exactly what the branch changed.
 */
export function changedFiles(ref: string, cwd: string, config: AuditConfig): string[] {
  let root: string;
  let names: string[];
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    root = git('rev-parse', '--show-toplevel').trim();
    const base = git('merge-base', ref, 'HEAD').trim();
    // Paths relative to the repository root, whatever folder the audit runs in.
    // `--no-relative`: a user's diff.relative would otherwise give paths from the current folder.
    const changed = git('diff', '--name-only', '--no-relative', '--diff-filter=AMR', '-z', base, '--', ':/');
    const untracked = git('ls-files', '--others', '--exclude-standard', '-z', '--full-name', '--', ':/');
    names = [...new Set([...changed.split('\0'), ...untracked.split('\0')])].filter(Boolean);
  } catch (error) {
    const detail = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n')[0] || `no common history with ${ref}`;
    throw new UserError(`--changed ${ref}: git could not list the changes (${detail}); is this a git checkout with ${ref} fetched?`);
  }
  const globs = config.sessionDocs.length ? picomatch(config.sessionDocs) : () => true;
  return names
    .filter((name) => name.endsWith('.md') && globs(name))
    .map((name) => relative(cwd, join(root, name)) || name)
    .sort();
}
