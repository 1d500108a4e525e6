import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MASK, redact, StreamRedactor } from '../../src/executor/redact.js';
import { ansiCQuoted, backslashQuoted, doubleQuoted, singleQuoted } from '../../src/executor/shell-forms.js';

/** What bash prints for `script` with `V` set to `value`, stdout then stderr. */
function bash(script: string, value: string, locale = 'C.UTF-8'): string {
  const result = spawnSync('bash', ['--noprofile', '--norc', '-c', script], { env: { PATH: process.env.PATH, V: value, LC_ALL: locale }, encoding: 'utf8' });
  return result.stdout + result.stderr;
}

const VALUES = [
  'pa"ss-word',
  'back\\slash',
  'dollar$sign',
  'tick`tock',
  "it's-mine",
  'with space',
  'new\nline',
  'tab\there',
  'ctl\x01char',
  'esc\x1b[0m',
  'del\x7fete',
  'é-accent',
  '~tilde',
  '#hash',
  'a=~b:~c',
  'x,y{z}[a]*?!^|&;<>()',
  'crlf\r\nend',
  `all"\\$\`'\n\t\x01é~#`,
];

/** The ways a block prints a variable back, as bash does it. */
const PRINTS: Array<[string, string]> = [
  ['declare -p', 'declare -p V'],
  ['printf %q', 'printf "%q\\n" "$V"'],
  ['set -x', 'set -x; : "$V"'],
  ['set -x, copying', 'set -x; export COPY="$V"'],
  ['${V@Q}', 'echo "${V@Q}"'],
  ['echo', 'echo "$V"'],
  // jq prints JSON the way the journal and reports hold it; where it is installed, it is asked too.
  ...(spawnSync('jq', ['--version']).status === 0 ? [['jq', 'jq -n --arg v "$V" \'{v: $v}\''] as [string, string]] : []),
];

describe('masking the forms bash prints a secret in', () => {
  for (const locale of ['C.UTF-8', 'C']) {
    for (const [how, script] of PRINTS) {
      it.each(VALUES)(`masks %j printed by ${how} (LC_ALL=${locale})`, (value) => {
        const printed = bash(script, value, locale);
        const masked = redact(printed, [value]);
        expect(masked).toContain(MASK);
        // Nothing of the value is left: only the mask, the quotes around it and bash's own words.
        expect(masked.split(MASK).join('').replace(/declare -\S+ V=|\+ export |\+ : |\+ |COPY=|\{\n {2}"v": |\n\}|[$'"\n]/g, '')).toBe('');
      });
    }
  }

  it('encodes as bash does', () => {
    const value = `a"b\\c$d\`e'f g~h#`;
    expect(doubleQuoted(value)).toBe(bash('declare -p V', value).replace(/^declare -x V="(.*)"\n$/s, '$1'));
    expect(singleQuoted(value)).toBe(bash('set -x; : "$V"', value).replace(/^\+ : '(.*)'\n$/s, '$1'));
    expect(backslashQuoted(value)).toBe(bash('printf %q "$V"', value));
    expect(backslashQuoted('~a=~b:~c#d')).toBe(bash('printf %q "$V"', '~a=~b:~c#d'));
    const control = 'a\nb\tc\x01d\x1be\x7ff\'g\\hé';
    expect(ansiCQuoted(control)).toBe(bash('printf %q "$V"', control).replace(/^\$'(.*)'$/s, '$1'));
    expect(ansiCQuoted(control, false)).toBe(bash('printf %q "$V"', control, 'C').replace(/^\$'(.*)'$/s, '$1'));
  });

  it('masks a secret sent as a URL component', () => {
    expect(redact('curl -d token=p%40ss%20w%2Frd%22', ['p@ss w/rd"'])).toBe(`curl -d token=${MASK}`);
  });

  it('masks a long line of a secret of several lines on its own, not a short one', () => {
    const key = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nab\n-----END KEY-----';
    expect(redact('first: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nab\n', [key])).toBe(`first: ${MASK}\nab\n`);
  });

  it('leaves values shorter than 3 characters alone', () => {
    expect(redact('ok 12 ok', ['ok', '12'])).toBe('ok 12 ok');
  });
});

describe('a stream redactor', () => {
  const secrets = ['tok"en-1', 'tok"en-1-longer', 'abcab', 'multi\nline-secret'];
  const text = `x tok"en-1 y tok\\"en-1-longer z abcabcab $'multi\\nline-secret' w tok"en-1-longer\nmulti\nline-secret tok"en-1`;

  it('masks what a chunk boundary cuts, wherever it cuts', () => {
    const whole = redact(text, secrets);
    for (let cut = 0; cut <= text.length; cut++) {
      const stream = new StreamRedactor(secrets);
      expect(stream.push(text.slice(0, cut)) + stream.push(text.slice(cut)) + stream.flush()).toBe(whole);
    }
    const stream = new StreamRedactor(secrets);
    expect([...text].map((c) => stream.push(c)).join('') + stream.flush()).toBe(whole);
  });

  it('waits for the longer secret a shorter one begins', () => {
    const stream = new StreamRedactor(secrets);
    expect(stream.push('x tok"en-1')).toBe('x ');
    expect(stream.push('-longer and more')).toBe(`${MASK} and more`);
  });

  it('releases at once what cannot be the start of a secret', () => {
    const stream = new StreamRedactor(secrets);
    expect(stream.push('nothing here\n')).toBe('nothing here\n');
  });

  it('masks secrets added while it runs, including a part held back', () => {
    const stream = new StreamRedactor(['new-secret-old']);
    expect(stream.push('one new-secr')).toBe('one ');
    stream.add(['new-secret-value']);
    expect(stream.push('et-value and new-')).toBe(`${MASK} and `);
    expect(stream.push('secret-value\n') + stream.flush()).toBe(`${MASK}\n`);
  });

  it('masks a long secret of many lines cut into many chunks', () => {
    const key = `-----BEGIN KEY-----\n${Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(64, 'Qz9+')).join('\n')}\n-----END KEY-----`;
    const text = `key:\n${key}\ndone\n`.repeat(20);
    const stream = new StreamRedactor([key]);
    let out = '';
    for (let at = 0; at < text.length; at += 100) out += stream.push(text.slice(at, at + 100));
    out += stream.flush();
    expect(out).toBe(`key:\n${MASK}\ndone\n`.repeat(20));
  });

  it('keeps up with a large output and many secrets', () => {
    const many = Array.from({ length: 40 }, (_, i) => `secret-${i}-${'x'.repeat(i)}"\\$`);
    const line = `${'plain text of a busy block, '.repeat(3)}${many[7]}\n`;
    const chunk = line.repeat(Math.ceil(65536 / line.length));
    const stream = new StreamRedactor(many);
    const started = performance.now();
    let out = 0;
    for (let i = 0; i < 64; i++) out += stream.push(chunk).length;
    const ms = performance.now() - started;
    expect(out).toBeGreaterThan(3_000_000);
    // About 4 MB: well under a second even on a slow, busy machine.
    expect(ms).toBeLessThan(3000);
  });
});
