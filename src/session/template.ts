import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import type { Edit } from '../document/edits.js';
import { parseRunbook, type LineEnding } from '../parser/index.js';
import { formatTime } from '../document/time.js';
import { gitUserName } from './git-config.js';

/** The record a session doc keeps of the template it came from, under `runbook:` in front matter. */
export interface SessionRecord {
  template: string;
  commit: string | null;
  sha256: string;
  created: string;
  operator: string;
}

/**
 * Who is operating: `RUNBOOK_OPERATOR`, else git's user.name (read from git's files where that
 * is plain, see git-config.ts; else git is asked, without blocking, so a session's shell can
 * start while it answers), else the login name.
 */
export async function operatorName(env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  if (env.RUNBOOK_OPERATOR) return env.RUNBOOK_OPERATOR;
  // Not a git checkout, no git, or no name configured: all mean "ask the system".
  const name =
    gitUserName(env, cwd)?.trim() ??
    (await new Promise<string>((resolveName) => {
      execFile('git', ['config', 'user.name'], { cwd, env, encoding: 'utf8' }, (error, stdout) => resolveName(error ? '' : stdout.trim()));
    }));
  if (name) return name;
  if (env.USER ?? env.LOGNAME) return (env.USER ?? env.LOGNAME)!;
  try {
    return userInfo().username;
  } catch {
    // A container user with no passwd entry.
    return 'unknown';
  }
}

/** The last commit that touched `path`, when git tracks it; null otherwise. */
export function templateCommit(path: string): string | null {
  try {
    const dir = dirname(resolve(path));
    const tracked = execFileSync('git', ['ls-files', '--error-unmatch', '--', basename(path)], { cwd: dir, stdio: 'ignore' });
    void tracked;
    const commit = execFileSync('git', ['log', '-1', '--format=%H', '--', basename(path)], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return commit || null;
  } catch {
    return null;
  }
}

/**
 * Where a session doc goes by default: beside the template, named for the operator's today, in
 * their time zone (`2026-11-23.md`: a morning game day in Sydney is not named for the UTC day
 * before), with `-2`, `-3`, … when a session of that day already exists. Never an existing file.
 */
export function defaultSessionPath(template: string, now: Date): string {
  const dir = dirname(template);
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  const ext = extname(template) || '.md';
  for (let n = 1; ; n++) {
    const candidate = join(dir, `${day}${n === 1 ? '' : `-${n}`}${ext}`);
    if (!existsSync(candidate)) return candidate;
  }
}

/** The template's path as seen from the session doc's folder, with `/` separators. */
export function templateReference(template: string, out: string): string {
  return relative(dirname(resolve(out)), resolve(template)).split(sep).join('/');
}

/**
 * The edit that records `record` in a copy of the template: a `runbook:` entry appended to its
 * front matter, or new front matter when it has none. The rest of the text is left as it is.
 */
export function recordEdit(text: string, record: SessionRecord, eol: LineEnding): Edit {
  const yaml = stringify({ runbook: record }).trimEnd().split('\n').join(eol);
  const model = parseRunbook(text);
  const start = model.bom ? 1 : 0;
  if (!model.frontMatter) return { start, end: start, text: `---${eol}${yaml}${eol}---${eol}` };
  const invalid = model.problems.find((p) => p.ruleId === 'front-matter');
  // A record added to front matter that does not read would never be read back either.
  if (invalid) throw new RangeError(`its ${invalid.message}; fix it first, so the session record can be read back`);
  if ('runbook' in model.frontMatter.data) {
    throw new RangeError('the template already has a `runbook:` session record in its front matter; is it a session doc rather than a template?');
  }
  // Insert before the closing `---` line, in the line ending the front matter's lines use (which
  // may not be the document's).
  const fm = text.slice(model.frontMatter.span.start, model.frontMatter.span.end);
  const close = [...fm.matchAll(/(\r\n|\r|\n)(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$)/g)].at(-1);
  if (!close) throw new RangeError('its front matter has no closing `---` line');
  const body = fm.slice(fm.search(/\r\n|\r|\n/), close.index).replace(/^\s*#.*$/gm, '').trim();
  // The record is added as a `key: value` line: front matter in flow style (`{title: …}`) or a
  // lone value would not read as YAML any more.
  if (body !== '' && (/^[{[]/.test(body) || !/^[^\s#][^:]*:(?:\s|$)/m.test(body))) {
    throw new RangeError('its front matter is not a list of `key: value` lines (YAML block style), so the session record cannot be added to it; rewrite it in block style');
  }
  const fmEol = close[1]!;
  const closeAt = model.frontMatter.span.start + close.index + fmEol.length;
  return { start: closeAt, end: closeAt, text: `${yaml.split(eol).join(fmEol)}${fmEol}` };
}

/** Builds the session record for a template created now. */
export function sessionRecord(template: string, out: string, hash: string, now: Date, operator: string): SessionRecord {
  return { template: templateReference(template, out), commit: templateCommit(template), sha256: hash, created: formatTime(now), operator };
}
