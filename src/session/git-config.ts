import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/**
 * `git config user.name` as git would answer it in `cwd`, read from git's own files: a string
 * (empty when none is set), or undefined when this reading could differ from git's and git
 * itself must be asked. Starting git costs a process, and a session starts several at once on
 * a machine that may have two cores.
 *
 * Only the plain case is read: git at /usr/bin or /bin (whose system file is /etc/gitconfig), no
 * GIT_* variable in the environment but those that cannot change where git looks for its
 * configuration (certificates, ssh, prompts, editors, tracing, identities), no include of another file, a repository found as a `.git`
 * folder owned by this user on the same file system, no per-worktree configuration, values with
 * no backslash. Anything else, or a line this reader does not know, is git's to answer.
 */
export function gitUserName(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (process.platform !== 'linux' || Object.keys(env).some((name) => name.startsWith('GIT_') && !HARMLESS.test(name))) return undefined;
  const home = env.HOME;
  if (!home || !systemGit(env.PATH ?? '')) return undefined;
  const local = gitDir(cwd);
  if (local === undefined) return undefined;
  const xdg = env.XDG_CONFIG_HOME ? join(env.XDG_CONFIG_HOME, 'git', 'config') : join(home, '.config', 'git', 'config');
  const files = ['/etc/gitconfig', xdg, join(home, '.gitconfig'), ...(local ? [join(local, 'config')] : [])];
  let name = '';
  for (const file of files) {
    const found = userNameIn(file);
    if (found === undefined) return undefined;
    if (found !== null) name = found;
  }
  return name;
}

/**
 * GIT_* variables that say how git talks to remotes, asks, edits, traces or signs, and never where
 * it finds a repository or its configuration (GIT_DIR, GIT_CONFIG_*, GIT_CEILING_DIRECTORIES…,
 * which stay git's to answer). Machines behind a proxy commonly set GIT_SSL_CAINFO, say.
 */
const HARMLESS = /^GIT_(SSL_\w*|HTTP_\w*|CURL_VERBOSE|PROXY_\w*|SSH|SSH_COMMAND|SSH_VARIANT|ASKPASS|TERMINAL_PROMPT|EDITOR|SEQUENCE_EDITOR|PAGER|TRACE\w*|AUTHOR_\w*|COMMITTER_\w*|MERGE_AUTOEDIT|MERGE_VERBOSITY|PS1_\w*|ALLOW_PROTOCOL|PROTOCOL_FROM_USER|LFS_\w*|FLUSH)$/;

/** Whether the first `git` on PATH is the system's, whose system file is /etc/gitconfig. */
function systemGit(path: string): boolean {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      if (!statSync(join(dir, 'git')).isFile()) continue;
    } catch {
      continue;
    }
    return dir === '/usr/bin' || dir === '/bin';
  }
  return false;
}

/**
 * The `.git` folder of the repository `cwd` is in, as git finds it; null when there is none;
 * undefined when git could find it otherwise (a `.git` file, a bare repository, another file
 * system, another owner).
 */
function gitDir(cwd: string): string | null | undefined {
  let dir = cwd;
  let device: number;
  try {
    device = statSync(dir).dev;
  } catch {
    return undefined;
  }
  for (;;) {
    const candidate = join(dir, '.git');
    try {
      const stat = lstatSync(candidate);
      // Git checks whose the folders are (safe.directory) and that this is a repository at all.
      if (!stat.isDirectory() || stat.uid !== process.getuid?.() || statSync(dir).uid !== stat.uid) return undefined;
      statSync(join(candidate, 'HEAD'));
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
      if (existsSync(candidate)) return undefined;
    }
    // A bare repository (or a .git folder itself) is a repository too.
    try {
      statSync(join(dir, 'HEAD'));
      return undefined;
    } catch {
      // Not one.
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    try {
      if (statSync(parent).dev !== device) return undefined;
    } catch {
      return undefined;
    }
    dir = parent;
  }
}

const HEADER = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\\n]|\\.)*)")?\s*\](.*)$/;
const VARIABLE = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=(.*))?$/;

/**
 * The last `user.name` in the git configuration file `file`: its value, null when the file is
 * missing or sets none, undefined when git's answer could differ from this reading.
 */
function userNameIn(file: string): string | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
  let section = '';
  let name: string | null = null;
  for (const raw of text.split('\n')) {
    let line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const header = HEADER.exec(line);
      if (!header) return undefined;
      section = header[1]!.toLowerCase();
      if (header[2] !== undefined) section += '"';
      // Another file included, or configuration per worktree: git's to read.
      if (section.startsWith('include') || section === 'extensions') return undefined;
      line = header[3]!.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    }
    const variable = VARIABLE.exec(line);
    if (!variable) return undefined;
    if (section !== 'user' || variable[1]!.toLowerCase() !== 'name') continue;
    if (variable[2] === undefined || variable[2].includes('\\')) return undefined;
    const value = configValue(variable[2]);
    if (value === undefined) return undefined;
    name = value;
  }
  return name;
}

/**
 * A value as git reads it: whitespace at either end dropped, each other whitespace character
 * kept as a space, double quotes removed (whitespace and `#`/`;` inside them kept), a comment
 * from an unquoted `#` or `;`; undefined for an unclosed quote. (A value with a backslash is not
 * read here.)
 */
function configValue(raw: string): string | undefined {
  let value = '';
  let spaces = 0;
  let quoted = false;
  for (const c of raw) {
    if (!quoted && (c === ' ' || c === '\t')) {
      if (value) spaces++;
      continue;
    }
    if (!quoted && (c === '#' || c === ';')) break;
    value += ' '.repeat(spaces);
    spaces = 0;
    if (c === '"') quoted = !quoted;
    else value += c;
  }
  // An unclosed quote is an error to git.
  return quoted ? undefined : value;
}
