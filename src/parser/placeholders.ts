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
 * The placeholder that starts at `at` (a `<`) of shell text, if one does: outside quotes
 * (`bare`) any `<name>` that ends its word (bash would read it as redirections); inside quotes
 * only a name that cannot be markup — with a capital, a `-`, `_` or a space (`"Bearer <TOKEN>"`,
 * `'<your-key>'`), and not an HTML tag. `scanShell` calls it where the shell would see the `<`.
 */
export function placeholderAt(script: string, at: number, bare: boolean): { text: string; offset: number; bare: boolean } | null {
  NAME.lastIndex = at;
  const match = NAME.exec(script);
  if (!match) return null;
  const name = match[1]!;
  if (bare) {
    WORD_END.lastIndex = at + match[0].length;
    if (!WORD_END.test(script)) return null;
  } else if (!/[A-Z_\- ]/.test(name) || HTML.has(name.toLowerCase())) return null;
  return { text: match[0], offset: at, bare };
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
