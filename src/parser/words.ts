/**
 * A small POSIX word splitter, enough to tell which files a shell script writes: it reads words
 * and operators as the shell's token recognition does (POSIX XCU 2.3: quotes, backslashes,
 * `$(…)`, `${…}` and backquotes kept inside their word; comments dropped; here-document bodies
 * skipped), without expanding anything.
 */

/** One piece of a word: text as written inside or outside quotes. */
export interface WordPart {
  text: string;
  /** `single`: taken literally; `double` or null: `$NAME` and `${NAME}` expand in it. */
  quote: 'single' | 'double' | null;
}

/** A shell token: a word (its parts, quotes removed) or an operator (`|`, `;`, `>`, `>>`, …). */
export type Token = { kind: 'word'; parts: WordPart[] } | { kind: 'op'; text: string };

const OPERATORS = ['&>>', '<<-', '>>', '>|', '&>', '<<<', '<<', '<&', '>&', '<>', '&&', '||', ';;', '|&', '|', '&', ';', '<', '>', '(', ')', '\n'];

/** Splits shell text into words and operators. */
export function shellTokens(script: string): Token[] {
  const tokens: Token[] = [];
  const heredocs: Array<{ tag: string; strip: boolean }> = [];
  let parts: WordPart[] | null = null;
  const push = (text: string, quote: WordPart['quote']): void => {
    parts ??= [];
    const last = parts[parts.length - 1];
    if (last && last.quote === quote) last.text += text;
    else parts.push({ text, quote });
  };
  const end = (): void => {
    if (parts) tokens.push({ kind: 'word', parts });
    parts = null;
  };
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === '\\') {
      if (script[i + 1] === '\n') i += 2;
      else push(script.slice(i + 1, i + 2), 'single'), (i += 2);
      continue;
    }
    if (c === "'") {
      const close = script.indexOf("'", i + 1);
      const stop = close === -1 ? script.length : close;
      push(script.slice(i + 1, stop), 'single');
      parts ??= [];
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      const stop = closingQuote(script, i + 1);
      push(script.slice(i + 1, stop).replace(/\\([$`"\\\n])/g, '$1'), 'double');
      parts ??= [];
      i = stop + 1;
      continue;
    }
    if (c === '$' || c === '`') {
      const stop = expansionEnd(script, i);
      push(script.slice(i, stop), null);
      i = stop;
      continue;
    }
    if (c === '#' && parts === null) {
      while (i < script.length && script[i] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t') {
      end();
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => script.startsWith(o, i));
    if (op) {
      // A number right before a redirection is its file descriptor, not a word (`2> err.log`).
      const fd = parts !== null && (op.startsWith('>') || op.startsWith('<')) && (parts as WordPart[]).length === 1 && /^\d+$/.test((parts as WordPart[])[0]!.text);
      if (fd) parts = null;
      else end();
      tokens.push({ kind: 'op', text: op });
      i += op.length;
      if (op === '<<' || op === '<<-') i = readHeredocTag(script, i, op === '<<-', heredocs);
      if (op === '\n' && heredocs.length) i = skipHeredocs(script, i, heredocs.splice(0));
      continue;
    }
    push(c, null);
    i++;
  }
  end();
  return tokens;
}

/** Where a double-quoted string that starts at `from` ends (the offset of its closing quote). */
function closingQuote(script: string, from: number): number {
  let i = from;
  while (i < script.length && script[i] !== '"') {
    if (script[i] === '\\') i += 2;
    else if (script[i] === '$' || script[i] === '`') i = expansionEnd(script, i);
    else i++;
  }
  return Math.min(i, script.length);
}

/** Where an expansion starting at `from` (`$NAME`, `${…}`, `$(…)`, `` `…` ``) ends. */
function expansionEnd(script: string, from: number): number {
  if (script[from] === '`') {
    const close = script.indexOf('`', from + 1);
    return close === -1 ? script.length : close + 1;
  }
  const next = script[from + 1];
  if (next === '{' || next === '(') {
    const open = next;
    const close = open === '{' ? '}' : ')';
    let depth = 0;
    for (let i = from + 1; i < script.length; i++) {
      if (script[i] === '\\') i++;
      else if (script[i] === "'" && open === '(') i = Math.max(i, script.indexOf("'", i + 1));
      else if (script[i] === open) depth++;
      else if (script[i] === close && --depth === 0) return i + 1;
    }
    return script.length;
  }
  const name = /^(?:[A-Za-z_]\w*|[0-9@*#?$!-])/.exec(script.slice(from + 1, from + 64));
  return from + 1 + (name ? name[0].length : 0);
}

function readHeredocTag(script: string, from: number, strip: boolean, heredocs: Array<{ tag: string; strip: boolean }>): number {
  const match = /^[ \t]*(['"]?)([^\s'";|&<>()]+)\1/.exec(script.slice(from, from + 120));
  if (!match) return from;
  heredocs.push({ tag: match[2]!, strip });
  return from + match[0].length;
}

/** Skips the bodies of the here-documents opened on the line just ended. */
function skipHeredocs(script: string, from: number, heredocs: Array<{ tag: string; strip: boolean }>): number {
  let i = from;
  for (const { tag, strip } of heredocs) {
    while (i < script.length) {
      const lineEnd = script.indexOf('\n', i);
      const stop = lineEnd === -1 ? script.length : lineEnd;
      const line = script.slice(i, stop);
      i = stop + 1;
      if ((strip ? line.replace(/^\t+/, '') : line) === tag) break;
    }
  }
  return Math.min(i, script.length);
}

const WRITES = new Set(['>', '>>', '>|', '&>', '&>>']);
const COMMAND_START = new Set(['|', '|&', '&&', '||', ';', '&', '\n', '(', ';;']);

/**
 * The files a script names as where output goes: the target of `> FILE`, `>> FILE`, `>| FILE`,
 * `&> FILE` and the file arguments of `tee`. Descriptor duplications (`>&2`) and `/dev/*` are
 * not files anyone keeps.
 */
export function writtenFiles(script: string): WordPart[][] {
  const tokens = shellTokens(script);
  const files: WordPart[][] = [];
  let start = true;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'op') {
      const next = tokens[i + 1];
      if (WRITES.has(token.text) && next?.kind === 'word') files.push(next.parts), i++;
      start = COMMAND_START.has(token.text);
      continue;
    }
    if (start && wordText(token.parts) === 'tee') {
      for (let j = i + 1; j < tokens.length && tokens[j]!.kind === 'word'; j++) {
        const parts = (tokens[j] as { parts: WordPart[] }).parts;
        if (!wordText(parts).startsWith('-')) files.push(parts);
      }
    }
    // Assignments before a command leave the command's place open: `LC_ALL=C tee out.log`.
    start = start && /^[A-Za-z_]\w*=/.test(wordText(token.parts));
  }
  return files.filter((parts) => !/^\/dev\//.test(wordText(parts)) && wordText(parts) !== '');
}

/** A word's text as written, quotes removed, nothing expanded. */
export function wordText(parts: WordPart[]): string {
  return parts.map((p) => p.text).join('');
}
