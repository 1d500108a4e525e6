/**
 * Reads back the values in a `declare -p` line, as bash 5 prints them: `NAME="…"` (backslash
 * before `\ " $` and a backtick), `NAME=$'…'` (for text with control characters or newlines),
 * arrays `NAME=([0]="a" [1]=$'b\n')` and associative arrays `NAME=([key]="v" )`.
 */

const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** Reads `$'…'` from `at` (just past `$'`); returns the text and where the closing quote ends. */
function ansiC(line: string, at: number): [string, number] {
  const bytes: number[] = [];
  const text = (s: string) => bytes.push(...Buffer.from(s, 'utf8'));
  let i = at;
  while (i < line.length && line[i] !== "'") {
    if (line[i] !== '\\') {
      const c = String.fromCodePoint(line.codePointAt(i)!);
      text(c);
      i += c.length;
      continue;
    }
    const e = line[i + 1] ?? '';
    let m: RegExpExecArray | null;
    if (SIMPLE[e] !== undefined) {
      text(SIMPLE[e]);
      i += 2;
    } else if ((m = /^[0-7]{1,3}/.exec(line.slice(i + 1, i + 4)))) {
      bytes.push(parseInt(m[0], 8) & 0xff);
      i += 1 + m[0].length;
    } else if ((m = /^x([0-9a-fA-F]{1,2})/.exec(line.slice(i + 1, i + 4)))) {
      bytes.push(parseInt(m[1]!, 16));
      i += 1 + m[0].length;
    } else if ((m = /^(?:u([0-9a-fA-F]{1,4})|U([0-9a-fA-F]{1,8}))/.exec(line.slice(i + 1, i + 10)))) {
      text(String.fromCodePoint(Math.min(parseInt(m[1] ?? m[2]!, 16), 0x10ffff)));
      i += 1 + m[0].length;
    } else if (e === 'c' && i + 2 < line.length) {
      bytes.push(line.charCodeAt(i + 2) & 0x1f);
      i += 3;
    } else {
      text(`\\${e}`);
      i += 2;
    }
  }
  return [Buffer.from(bytes).toString('utf8'), i + 1];
}

/** Reads one shell word from `at` until a blank or `stop`; returns its text and where it ends. */
function word(line: string, at: number, stop: string): [string, number] {
  let out = '';
  let i = at;
  while (i < line.length && line[i] !== ' ' && !stop.includes(line[i]!)) {
    const c = line[i]!;
    if (c === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && '\\"$`\n'.includes(line[i + 1] ?? '')) i++;
        out += line[i];
      }
      i++;
    } else if (c === '$' && line[i + 1] === "'") {
      const [text, end] = ansiC(line, i + 2);
      out += text;
      i = end;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      out += line.slice(i + 1, end === -1 ? line.length : end);
      i = end === -1 ? line.length : end + 1;
    } else if (c === '\\') {
      out += line[i + 1] ?? '';
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return [out, i];
}

const HEAD = /^declare -\S+ [A-Za-z_]\w*=/;

/** The value(s) a `declare -p` line gives: one for a scalar, one per element for an array, none when unset. */
export function declaredValues(line: string): string[] {
  const head = HEAD.exec(line);
  if (!head) return [];
  let i = head[0].length;
  if (line[i] !== '(') return [word(line, i, '')[0]];
  const values: string[] = [];
  i++;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length || line[i] === ')') break;
    // `[key]=value`: the key is a word in brackets, then the value.
    const [, keyEnd] = word(line, i + 1, ']');
    i = keyEnd + 2;
    const [value, end] = word(line, i, ')');
    values.push(value);
    i = end;
  }
  return values;
}
