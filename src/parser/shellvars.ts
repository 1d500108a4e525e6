import { placeholderAt, type Placeholder } from './placeholders.js';
/** A variable expansion found in shell text. */
export interface ShellVarUse {
  name: string;
  offset: number;
  /** The value used when the variable is unset (`${X:-d}`), `''` where the text needs none (`${X:+w}`, `[ -z "$X" ]`), else null. */
  default: string | null;
}

/** What a scan of shell text finds: expansions, and names the text assigns. */
export interface ShellScan {
  uses: ShellVarUse[];
  /** Names assigned (`X=`, `export X=`, `read X`, `for X in`), with the offset of the assignment. */
  assigns: Array<{ name: string; offset: number }>;
  /**
   * Offsets of commands that may set any variable, which no reading of the text can list:
   * `source FILE`, `. FILE`, `eval …`, `export $(…)`. After one, every name may be set.
   */
  opaque: number[];
  /** `<placeholders>` left for the reader to replace (see `placeholderAt`), outside comments and here-document bodies. */
  placeholders: Array<{ text: string; offset: number; bare: boolean }>;
}

/** Parameters the shell itself provides; never asked of the operator. */
const SPECIAL = new Set([
  'HOME', 'PATH', 'PWD', 'OLDPWD', 'USER', 'SHELL', 'HOSTNAME', 'RANDOM', 'SECONDS', 'LINENO',
  'BASH_SOURCE', 'BASH_VERSION', 'PPID', 'UID', 'EUID', 'IFS', 'TMPDIR', 'LANG', 'TERM',
  'FUNCNAME', 'PIPESTATUS', 'REPLY', 'BASHPID', 'OSTYPE', 'HOSTTYPE', 'EPOCHSECONDS', 'EPOCHREALTIME',
  'LOGNAME', 'COLUMNS', 'LINES', 'OPTARG', 'OPTIND', 'BASH_REMATCH', 'SHLVL', 'MACHTYPE',
  'PS1', 'PS2', 'PS4', 'GROUPS', 'BASH', 'BASHOPTS', 'SHELLOPTS', 'BASH_VERSINFO', 'BASH_ARGV', 'BASH_ARGC',
  'BASH_LINENO', 'BASH_COMMAND', 'BASH_SUBSHELL', 'DIRSTACK', 'HISTCMD', 'SRANDOM', 'UID', 'EUID',
  // zsh's own, for `zsh` blocks.
  'ZSH_VERSION', 'ZSH_NAME', 'ZSH_SUBSHELL', 'ZSH_ARGZERO', 'ZSH_EVAL_CONTEXT', 'ZSH_PATCHLEVEL', 'USERNAME', 'HOST', 'CPUTYPE', 'VENDOR', 'OSTYPE',
]);

// Tried only where a word starts, so a plain `NAME=` there is an assignment.
const ASSIGN = /(?:(?:export|local|declare|readonly|typeset)(?:\s+-\w+)*\s+)?([A-Za-z_]\w*)(?:\[[^\]]*\])?\+?=/y;
// `for X in`, `select X in`; `read [-ers] [-a NAME] [-d|-i|-n|-N|-p|-t|-u ARG] NAME…`, flags
// bundled as bash takes them (`-ra NAME`, `-rp PROMPT`).
const WORD_LIST = /\b(?:for|select)\s+([A-Za-z_]\w*)\s+in\b|\bread\s+((?:-[ersa]*[dinNptu]\s*(?:'[^']*'|"[^"]*"|\S+)\s+|-[ersa]+\s+)*)([A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)*)/y;
// `printf -v NAME`, `getopts OPTSTRING NAME`, `mapfile`/`readarray [options] NAME`.
const NAMED_BY_OPTION = /\bprintf\s+-v\s+([A-Za-z_]\w*)|\bgetopts\s+\S+\s+([A-Za-z_]\w*)|\b(?:mapfile|readarray)\s+(?:-(?:t|[dnOsuCc]\s*\S+)\s+)*([A-Za-z_]\w*)/y;

/**
 * A here-document's opener, where bash reads one: `<<EOF`, `<<-'EOF'`, `<< "EOF"`, not a `<<<`
 * here-string. Groups: `-` (leading tabs are stripped), the quote (none: its lines expand), the
 * word that ends it.
 */
export const HEREDOC = /(?<!<)<<(?!<)(-?)[ \t]*(['"]?)([A-Za-z_][\w.-]*)\2/;
const HEREDOC_HERE = new RegExp(HEREDOC.source, 'y');

/** The `<placeholders>` of shell text, each with its 0-based line and column (see `placeholderAt`). */
export function findPlaceholders(script: string): Placeholder[] {
  const lineStarts = [0];
  for (let i = script.indexOf('\n'); i !== -1; i = script.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  let line = 0;
  return scanShell(script).placeholders.map((found) => {
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= found.offset) line++;
    return { ...found, line, column: found.offset - lineStarts[line]! };
  });
}

/**
 * Finds `$VAR`, `${VAR}` and `${VAR:-default}` expansions in shell text, skipping single-quoted
 * strings, comments, escaped dollars and the bodies of quoted here-documents, where the shell
 * expands nothing (POSIX shell command language, sections 2.2 and 2.7.4). One loop over the text
 * on purpose: the quoting state it carries is what every case reads, and splitting it would pass
 * that state around.
 */
export function scanShell(text: string): ShellScan {
  const uses: ShellVarUse[] = [];
  const assigns: ShellScan['assigns'] = [];
  const opaque: number[] = [];
  const placeholders: ShellScan['placeholders'] = [];
  const placeholder = (at: number, bare: boolean) => {
    const found = placeholderAt(text, at, bare);
    if (found) placeholders.push(found);
  };
  let i = 0;
  let inDouble = false;
  let atWordStart = true;
  // A command substitution, `$(…)` or `` `…` ``, starts quoting afresh, inside double quotes too:
  // the quoting outside it is kept here until its end, with how many `(` it has open so far.
  const outer: Array<{ inDouble: boolean; depth: number; backquote: boolean }> = [];
  let depth = 0;
  const heredocs: Array<{ tag: string; expand: boolean; strip: boolean }> = [];
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      i++;
      atWordStart = true;
      if (heredocs.length) i = skipHeredocs(text, i, heredocs, uses);
      continue;
    }
    if (!inDouble && atWordStart) {
      ASSIGN.lastIndex = i;
      const assign = ASSIGN.exec(text);
      if (assign) assigns.push({ name: assign[1]!, offset: i });
      NAMED_BY_OPTION.lastIndex = i;
      const named = NAMED_BY_OPTION.exec(text);
      const namedBy = named?.[1] ?? named?.[2] ?? named?.[3];
      if (namedBy) assigns.push({ name: namedBy, offset: i });
      OPAQUE.lastIndex = i;
      if (OPAQUE.test(text) && atCommandStart(text, i)) opaque.push(i);
      WORD_LIST.lastIndex = i;
      const list = WORD_LIST.exec(text);
      if (list) {
        if (list[1]) assigns.push({ name: list[1], offset: i });
        for (const name of list[3]?.split(/\s+/) ?? []) assigns.push({ name, offset: i });
      }
    }
    if (c === '\\') {
      i += 2;
      atWordStart = false;
      continue;
    }
    if (c === '`') {
      if (outer.at(-1)?.backquote) ({ inDouble, depth } = outer.pop()!);
      else {
        outer.push({ inDouble, depth, backquote: true });
        inDouble = false;
        depth = 0;
      }
      i++;
      atWordStart = true;
      continue;
    }
    if (!inDouble && outer.length && !outer.at(-1)!.backquote && (c === '(' || c === ')')) {
      if (c === '(') depth++;
      else if (depth > 0) depth--;
      else {
        ({ inDouble, depth } = outer.pop()!);
        i++;
        atWordStart = false;
        continue;
      }
    }
    if (!inDouble && c === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close === -1 ? text.length : close;
      for (let at = text.indexOf('<', i + 1); at !== -1 && at < end; at = text.indexOf('<', at + 1)) placeholder(at, false);
      i = close === -1 ? text.length : close + 1;
      atWordStart = false;
      continue;
    }
    if (!inDouble && c === '#' && atWordStart) {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? text.length : eol;
      continue;
    }
    if (c === '"') {
      inDouble = !inDouble;
      i++;
      atWordStart = false;
      continue;
    }
    if (!inDouble && c === '<' && text[i + 1] === '<' && text[i + 2] === '<') {
      // A here-string: the word after it is read as any other (its last two `<` open no here-document).
      i += 3;
      atWordStart = true;
      continue;
    }
    if (!inDouble && c === '<' && text[i + 1] === '<') {
      HEREDOC_HERE.lastIndex = i;
      const heredoc = HEREDOC_HERE.exec(text);
      if (heredoc) {
        heredocs.push({ tag: heredoc[3]!, expand: heredoc[2] === '', strip: heredoc[1] === '-' });
        i += heredoc[0].length;
        continue;
      }
    }
    if (c === '<') placeholder(i, !inDouble);
    if (!inDouble && c === '(' && text[i + 1] === '(') {
      // Arithmetic: `(( n = 5 ))`, `(( n += 1 ))`, `(( n++ ))`, `for (( i = 0; … ))` assign.
      const close = text.indexOf('))', i + 2);
      const inner = text.slice(i + 2, close === -1 ? text.length : close);
      for (const name of arithmeticAssigns(inner)) assigns.push({ name, offset: i });
    }
    if (c === '$' && text[i + 1] === '(' && text[i + 2] !== '(') {
      outer.push({ inDouble, depth, backquote: false });
      inDouble = false;
      depth = 0;
      i += 2;
      atWordStart = true;
      continue;
    }
    if (c === '$') {
      const next = readExpansion(text, i);
      if (next.use) uses.push(next.use);
      // `${X:=default}` assigns X as well.
      if (next.assigns) assigns.push({ name: next.assigns, offset: i });
      i = next.end;
      atWordStart = false;
      continue;
    }
    atWordStart = /[\s;&|(){}!`]/.test(c);
    i++;
  }
  return {
    uses: uses.filter((use) => !SPECIAL.has(use.name)),
    assigns,
    opaque,
    placeholders,
  };
}

const OPAQUE = /(?:source|\.|eval)[ \t]|export[ \t]+"?\$\(/y;

/** Whether `i` is where a command starts: after a line break, `;`, `&`, `|`, `(`, `{`, `!`, `then`, `do` or `else`. */
function atCommandStart(text: string, i: number): boolean {
  const before = text.slice(Math.max(0, i - 12), i).replace(/[ \t]+$/, '');
  return before === '' || /[\n;&|({!]$/.test(before) || /(?:^|\s)(?:then|do|else)$/.test(before);
}

/**
 * Whether the expansion at `at` is the operand of a `test` for emptiness (`[ -z "$X" ]`,
 * `[[ -n $X ]]`): the script asks whether the variable is set, so it needs no value.
 */
function testedForEmptiness(text: string, at: number): boolean {
  return /(?:^|[\s[])-[zn]\s+"?$/.test(text.slice(Math.max(0, at - 16), at));
}

/** Names an arithmetic expression assigns: `n = 1`, `n += 2`, `n <<= 1`, `n++`, `--n`. */
function arithmeticAssigns(expression: string): string[] {
  const names: string[] = [];
  for (const m of expression.matchAll(/(?<![\w$])([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?(?:(?:[-+*/%&|^]|<<|>>)?=(?!=)|\+\+|--)|(?:\+\+|--)\s*([A-Za-z_]\w*)/g)) {
    names.push((m[1] ?? m[2])!);
  }
  return names;
}

function readExpansion(text: string, at: number): { use: ShellVarUse | null; end: number; assigns?: string } {
  const optional = testedForEmptiness(text, at) ? '' : null;
  const simple = /^\$([A-Za-z_]\w*)/.exec(text.slice(at, at + 256));
  if (simple) return { use: { name: simple[1]!, offset: at, default: optional }, end: at + simple[0].length };
  if (text[at + 1] !== '{') return { use: null, end: at + 1 };
  const close = matchingBrace(text, at + 1);
  const inner = text.slice(at + 2, close);
  const braced = /^([A-Za-z_]\w*)(?:(:?[-=?+])([\s\S]*))?$/.exec(inner);
  const end = close + 1;
  if (!braced) {
    // `${!prefix@}` lists names; it uses no variable.
    if (/^![A-Za-z_]\w*[@*]$/.test(inner)) return { use: null, end };
    // `${#VAR}`, `${VAR/x/y}`, `${VAR%%.*}`: still a use of VAR, with no default.
    const name = /^[#!]?([A-Za-z_]\w*)/.exec(inner);
    return { use: name ? { name: name[1]!, offset: at, default: optional } : null, end };
  }
  const operator = braced[2];
  const hasDefault = operator === ':-' || operator === '-' || operator === ':=' || operator === '=';
  // `${X:+word}` expands to nothing when X is unset: it needs no value either.
  const alternate = operator === ':+' || operator === '+';
  return {
    use: { name: braced[1]!, offset: at, default: hasDefault ? (braced[3] ?? '') : alternate ? '' : optional },
    end,
    ...(operator === ':=' || operator === '=' ? { assigns: braced[1]! } : {}),
  };
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length;
}

/** Where the `(` opened just before `from` closes in `line` (its length when it does not), quotes left aside. */
function closingParen(line: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let k = from; k < line.length; k++) {
    const c = line[k]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && depth-- === 0) return k;
  }
  return line.length;
}

function skipHeredocs(
  text: string,
  start: number,
  heredocs: Array<{ tag: string; expand: boolean; strip: boolean }>,
  uses: ShellVarUse[],
): number {
  let i = start;
  while (heredocs.length) {
    const doc = heredocs.shift()!;
    while (i < text.length) {
      const eol = text.indexOf('\n', i);
      const lineEnd = eol === -1 ? text.length : eol;
      const line = text.slice(i, lineEnd);
      if ((doc.strip ? line.replace(/^\t+/, '') : line) === doc.tag) {
        i = lineEnd + 1;
        break;
      }
      if (doc.expand) {
        for (let j = line.indexOf('$'); j !== -1; j = line.indexOf('$', j + 1)) {
          if (line[j - 1] === '\\') continue;
          if (line[j + 1] === '(' && line[j + 2] !== '(') {
            // A command substitution in the body is shell text of its own (quotes and all).
            const close = closingParen(line, j + 2);
            for (const use of scanShell(line.slice(j + 2, close)).uses) uses.push({ ...use, offset: use.offset + i + j + 2 });
            j = close;
            continue;
          }
          const found = readExpansion(text, i + j);
          if (found.use) uses.push(found.use);
        }
      }
      i = lineEnd + 1;
    }
  }
  return Math.min(i, text.length);
}
