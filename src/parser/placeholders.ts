/** A `<placeholder>` left in a block for the reader to replace, such as `<namespace>`. */
export interface Placeholder {
  /** As written, brackets included. */
  text: string;
  /** Offset in the block's text, and the 0-based line and column there. */
  offset: number;
  line: number;
  column: number;
  /** Whether it stands outside quotes, where the shell reads it as a broken redirection. */
  bare: boolean;
}

// A name in angle brackets: `<host>`, `<deployment-name>`, `<YOUR TOKEN>`, `<db.name>`.
const NAME = /<([A-Za-z][\w.-]*(?: [\w.-]+){0,3})>/y;
// What may follow one outside quotes: the end of the word.
const WORD_END = /[\s;|&)"'/.:,=]|$/y;
// Common HTML tags, which quoted text uses as markup, not as placeholders.
const HTML = new Set(['a', 'b', 'i', 'p', 'u', 'em', 'br', 'hr', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'h1', 'h2', 'h3', 'div', 'span', 'pre', 'code', 'html', 'head', 'body', 'title', 'table', 'strong', 'small', 'script', 'style']);

/**
 * Placeholders in shell text: `<name>` outside quotes (where bash would fail with "syntax error
 * near unexpected token"), or inside quotes when the name cannot be markup — it has a capital,
 * a `-`, `_` or a space (`"Bearer <TOKEN>"`, `'<your-key>'`). Comments, here-document bodies,
 * `<<`, `<(` and `<&` are not placeholders.
 */
export function findPlaceholders(script: string): Placeholder[] {
  const found: Placeholder[] = [];
  let quote: '"' | "'" | null = null;
  let heredoc: string | null = null;
  let atWordStart = true;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (heredoc !== null && c === '\n') {
      // The body: skip it, up to and including the line that ends it.
      let start = i + 1;
      for (;;) {
        const eol = script.indexOf('\n', start);
        const end = eol === -1 ? script.length : eol;
        if (eol === -1 || script.slice(start, end).replace(/^\t+/, '') === heredoc) {
          i = end - 1;
          break;
        }
        start = eol + 1;
      }
      heredoc = null;
      continue;
    }
    if (quote === "'") {
      if (c === "'") quote = null;
      else if (c === '<') take(i, false);
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '<') take(i, false);
      continue;
    }
    if (c === '#' && atWordStart) {
      const eol = script.indexOf('\n', i);
      i = (eol === -1 ? script.length : eol) - 1;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      atWordStart = false;
      continue;
    }
    if (c === '<') {
      const tag = /^<<-?\s*(['"]?)([A-Za-z_][\w.-]*)\1/.exec(script.slice(i, i + 80));
      if (tag) {
        // The rest of this line is still shell; the body starts on the next one.
        heredoc = tag[2]!;
        i += tag[0].length - 1;
        continue;
      }
      take(i, true);
    }
    atWordStart = /[\s;&|(){}]/.test(c);
  }
  return found;

  function take(at: number, bare: boolean): void {
    NAME.lastIndex = at;
    const match = NAME.exec(script);
    if (!match) return;
    const name = match[1]!;
    if (bare) {
      WORD_END.lastIndex = at + match[0].length;
      if (!WORD_END.test(script)) return;
    } else if (!/[A-Z_\- ]/.test(name) || HTML.has(name.toLowerCase())) return;
    const lineStart = script.lastIndexOf('\n', at - 1) + 1;
    let line = 0;
    for (let i = script.indexOf('\n'); i !== -1 && i < lineStart; i = script.indexOf('\n', i + 1)) line++;
    found.push({ text: match[0], offset: at, line, column: at - lineStart, bare });
  }
}

// Names the shell or the system already uses: a placeholder must not become one of them.
const TAKEN = new Set(['PATH', 'HOME', 'USER', 'PWD', 'OLDPWD', 'SHELL', 'IFS', 'TERM', 'HOSTNAME', 'UID', 'EUID', 'LANG', 'TMPDIR', 'PS1', 'RANDOM', 'SECONDS', 'LINENO']);

/** The variable a placeholder could become: `<deployment-name>` → `DEPLOYMENT_NAME` (`<path>` → `PATH_VALUE`). */
export function placeholderVariable(placeholder: string): string {
  const name = placeholder
    .slice(1, -1)
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return TAKEN.has(name) ? `${name}_VALUE` : name;
}
