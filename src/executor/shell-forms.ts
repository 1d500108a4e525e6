/**
 * The ways bash prints a value back. A secret masked only as typed still shows through
 * `declare -p`, `set -x` or `printf %q` once it holds a quote, a backslash or a newline, so the
 * redactor looks for each of these forms too. Each form is the text between the quotes bash adds,
 * so it is found inside a longer word as well (`set -x` prints `'COPY=pa'\''ss'`).
 */

/** `declare -p` and `"…"` quoting: a backslash before `\`, `"`, `$` and a backtick. */
export function doubleQuoted(value: string): string {
  return value.replace(/[\\"$`]/g, '\\$&');
}

/** `set -x` and `'…'` quoting: a single quote becomes `'\''`. */
export function singleQuoted(value: string): string {
  return value.replace(/'/g, `'\\''`);
}

/** Characters `printf %q` puts a backslash before, wherever they are (bash's `sh_backslash_quote`). */
const BACKSLASHED = new Set(' \t\n\'"\\|&;()<>!{}*[?]^$`,');

/** `printf %q` (and `${V@Q}`'s fallback) for text it does not print as `$'…'`. */
export function backslashQuoted(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const before = i === 0 ? '' : value[i - 1]!;
    // A tilde expands at the start of a word or after `=` or `:`; a hash starts a comment only first.
    const escape = BACKSLASHED.has(c) || (c === '~' && (i === 0 || before === '=' || before === ':')) || (c === '#' && i === 0);
    out += escape ? `\\${c}` : c;
  }
  return out;
}

const NAMED: Record<string, string> = { '\x1b': 'E', '\x07': 'a', '\v': 'v', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\\': '\\', "'": "'" };

const octal = (byte: number) => `\\${byte.toString(8).padStart(3, '0')}`;

/**
 * The inside of bash's `$'…'` form (`declare -p`, `printf %q` and `${V@Q}` use it for text with
 * control characters or newlines). Other characters bash cannot print are octal bytes: with
 * `utf8Printable` (a UTF-8 locale) letters like `é` stay as they are; without (the C locale)
 * every byte past ASCII is octal too.
 */
export function ansiCQuoted(value: string, utf8Printable = true): string {
  let out = '';
  for (const c of value) {
    const code = c.codePointAt(0)!;
    if (NAMED[c] !== undefined) out += `\\${NAMED[c]}`;
    else if (code >= 0x20 && code < 0x7f) out += c;
    else if (code < 0x80) out += octal(code);
    else if (utf8Printable && code >= 0xa0) out += c;
    else for (const byte of Buffer.from(c, 'utf8')) out += octal(byte);
  }
  return out;
}

/** The inside of a JSON string; `jq` also escapes DEL, as the second form above. */
function jsonString(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** A URL component; a lone surrogate (not text) is left as it is. */
function urlEncoded(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Lines shorter than this, of a secret of several lines, are too common to mask alone. */
const MIN_LINE = 8;

/**
 * Every form of `value` worth looking for in output: itself, the forms above, the two encodings
 * blocks pass secrets through most (a JSON string, as `jq` prints it, and a URL component, as
 * `curl --data-urlencode` sends it), and, for a value of several lines, each long line on its own
 * (`head -1` of a key file prints one).
 */
export function shellForms(value: string): string[] {
  const forms = new Set([value, doubleQuoted(value), singleQuoted(value), backslashQuoted(value), ansiCQuoted(value), ansiCQuoted(value, false), jsonString(value), jsonString(value).replace(/\x7f/g, '\\u007f'), urlEncoded(value)]);
  if (/[\r\n]/.test(value)) for (const line of value.split(/\r?\n|\r/)) if (line.trim().length >= MIN_LINE) forms.add(line);
  return [...forms];
}
