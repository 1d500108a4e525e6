import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { MAX_BYTES } from '../io.js';
import { dirname, relative, resolve, sep } from 'node:path';
import { parseRunbook, type Runbook } from '../parser/index.js';
import type { AuditContext } from './types.js';

/** What a session doc records of its template under `runbook:` in front matter (see `runbook new`). */
interface Pin {
  template: string;
  commit: string | null;
  sha256: string | null;
}

/** The template a document names in its front matter (`runbook.template`), which makes it a session doc; or null. */
export function templateRef(model: Runbook): string | null {
  return pinOf(model)?.template ?? null;
}

function pinOf(model: Runbook): Pin | null {
  const record = model.frontMatter?.data.runbook;
  if (!record || typeof record !== 'object') return null;
  const { template, commit, sha256 } = record as Record<string, unknown>;
  if (typeof template !== 'string') return null;
  return { template, commit: typeof commit === 'string' && commit ? commit : null, sha256: typeof sha256 === 'string' && sha256 ? sha256 : null };
}

/** Runs git in `cwd`, or returns null when it fails (no git, not a repository, no such object). */
function git(cwd: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return null;
  }
}

/** Texts already read, by path and commit: session docs of one template pin the same few commits. */
const pinnedTexts = new Map<string, string | null>();

/** The template's text at `commit`, when that commit is in the template's repository and holds it. */
function textAt(path: string, commit: string): string | null {
  const key = `${commit}:${path}`;
  if (!pinnedTexts.has(key)) pinnedTexts.set(key, readAt(path, commit));
  return pinnedTexts.get(key)!;
}

function readAt(path: string, commit: string): string | null {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const root = git(dir, ['rev-parse', '--show-toplevel'])?.trim();
  if (!root) return null;
  if (git(root, ['cat-file', '-e', `${commit}^{commit}`]) === null) return null;
  return git(root, ['show', `${commit}:${relative(root, path).split(sep).join('/')}`]);
}

/**
 * The template a session doc came from, as it was when the doc was created: read at the commit
 * the doc pins (`git show COMMIT:PATH`); where that commit is not in the repository, the file as
 * it is today when its SHA-256 is still the pinned one. Otherwise nothing is compared, and `note`
 * says why, without guessing what changed.
 */
/**
 * The bytes of the template file at `path`, or null when it is not a regular file of at most the
 * size a runbook may be. A session doc comes from a pull request: the path it names is opened
 * without waiting (a FIFO named there would hang the audit) and checked once open (a device
 * would be read for ever, a folder cannot be).
 */
function readTemplate(path: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stat = fstatSync(fd);
    return stat.isFile() && stat.size <= MAX_BYTES ? readFileSync(fd) : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

export function pinnedTemplate(file: string, model: Runbook): Pick<AuditContext, 'template' | 'templateRef' | 'templateNote'> {
  const pin = pinOf(model);
  if (!pin) return { template: null, templateRef: null, templateNote: null };
  const path = resolve(dirname(file), pin.template);
  const found = (text: string) => ({ template: { path, text, model: parseRunbook(text) }, templateRef: pin.template, templateNote: null });
  const pinned = pin.commit ? textAt(path, pin.commit) : null;
  if (pinned !== null) return found(pinned);
  const bytes = readTemplate(path);
  if (bytes === null) return { template: null, templateRef: pin.template, templateNote: { field: 'template', message: `the template ${pin.template} named in front matter cannot be read (it must be a Markdown file of at most ${Math.round(MAX_BYTES / 1048576)} MB)` } };
  const today = createHash('sha256').update(bytes).digest('hex');
  if (!pin.sha256 || pin.sha256 === today) return found(bytes.toString('utf8'));
  const where = pin.commit ? `its pinned commit ${pin.commit.slice(0, 12)} is not in this repository` : 'no commit is pinned';
  return {
    template: null,
    templateRef: pin.template,
    templateNote: {
      field: 'sha256',
      message: `the template ${pin.template} has changed since this session doc was created (sha256 ${today.slice(0, 12)}…, pinned ${pin.sha256.slice(0, 12)}…) and ${where}: drift is not checked`,
    },
  };
}
