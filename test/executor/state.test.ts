import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredValues } from '../../src/executor/declare.js';
import { readState, restoreScript, stateForDisk, valuesOf, type ShellState } from '../../src/executor/state.js';

/** What `declare -p` prints after `setup`, one line per variable, in `locale`. */
function declare(setup: string, names: string, locale = 'C.UTF-8'): string[] {
  const result = spawnSync('bash', ['--noprofile', '--norc', '-c', `${setup}\ndeclare -p ${names}`], { env: { PATH: process.env.PATH, LC_ALL: locale }, encoding: 'utf8' });
  return result.stdout.trimEnd().split('\n');
}

/** A state whose variables are what bash declares after `setup`. */
function stateOf(setup: string, names: string): ShellState {
  const lines = declare(setup, names);
  return { cwd: '/srv', vars: new Map(lines.map((line) => [/^declare -\S+ (\w+)/.exec(line)![1]!, line])) };
}

const TRICKY = ['plain', 'pa"ss', 'back\\slash', 'd$l`t', "it's", 'new\nline', 'tab\tand\x01ctl\x1b\x7f', 'é ü 🙂', '', ' lead', 'a=~b'];

describe('reading values back from declare -p', () => {
  for (const locale of ['C.UTF-8', 'C']) {
    it.each(TRICKY)(`reads %j as bash wrote it (LC_ALL=${locale})`, (value) => {
      const [line] = declare(`V=${shellQuote(value)}`, 'V', locale);
      expect(declaredValues(line!)).toEqual([value]);
    });
  }

  it('reads every element of an array and an associative array', () => {
    const [indexed, assoc] = declare(`A=(one ${shellQuote('t"w\\o')} ${shellQuote('th\nree')}); declare -A M=([k]=v ["a b"]=${shellQuote("it's")})`, 'A M');
    expect(declaredValues(indexed!)).toEqual(['one', 't"w\\o', 'th\nree']);
    expect(declaredValues(assoc!).sort()).toEqual(["it's", 'v']);
  });

  it('reads no value for a variable declared but not set', () => {
    expect(declaredValues(declare('declare X', 'X')[0]!)).toEqual([]);
  });
});

describe('the state file', () => {
  const state = stateOf(`export DBCRED=${shellQuote('s3"cr\\et')}; COPY="$DBCRED"; URL="pg://u:$DBCRED@h"; NL=$'x\\n'"$DBCRED"; API_TOKEN=tok-999; PLAIN=hello`, 'DBCRED COPY URL NL API_TOKEN PLAIN');

  it('leaves out secret variables and any whose value holds a secret, naming them', () => {
    const text = stateForDisk(state, new Set(['DBCRED', 'API_TOKEN']), ['s3"cr\\et', 'tok-999']);
    expect(text).not.toContain('cr\\et');
    expect(text).not.toContain('cr\\\\et');
    expect(text).not.toContain('tok-999');
    expect(text).toBe('/srv\0# withheld: DBCRED COPY URL NL API_TOKEN\ndeclare -- PLAIN="hello"\n');
  });

  it('is read back with the names it left out, and restores the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-state-'));
    const path = join(dir, 'doc.md.state');
    writeFileSync(path, stateForDisk(state, new Set(['DBCRED']), ['s3"cr\\et']));
    const read = readState(path)!;
    expect(read.withheld).toEqual(['DBCRED', 'COPY', 'URL', 'NL']);
    expect([...read.vars.keys()]).toEqual(['API_TOKEN', 'PLAIN']);
    expect(valuesOf(read, 'API_TOKEN')).toEqual(['tok-999']);
    expect(restoreScript(read)).toBe('declare -- API_TOKEN="tok-999"\ndeclare -- PLAIN="hello"');
  });

  it('withholds nothing when there is no secret', () => {
    expect(stateForDisk(state, new Set(), [])).not.toContain('withheld');
  });
});

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

describe('reading a state file', () => {
  it('takes each variable bash declares, read-only ones too, leaving out those the shell owns', () => {
    const setup = ['A1=one', 'export B_2="two words"', 'declare -a ARR=(x "y z")', 'declare -A MAP=([k]=v)', 'declare -i N=3', 'declare -r FIXED=1', 'declare -rx FIXED_EXPORT=2', 'declare EMPTY', '_under=1', "MULTI=$'line one\\nline two'"].join('\n');
    const path = join(mkdtempSync(join(tmpdir(), 'runbook-state-')), 'state');
    const dump = spawnSync('bash', ['--noprofile', '--norc', '-c', `${setup}\ncd /tmp\n{ printf '%s\\0' "$PWD"; declare -p; } > "$1"`, 'bash', path], { env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' }, encoding: 'utf8' });
    expect(dump.status).toBe(0);
    const state = readState(path)!;
    expect(state.cwd).toBe('/tmp');
    const names = [...state.vars.keys()];
    expect(names).toEqual(expect.arrayContaining(['A1', 'B_2', 'ARR', 'MAP', 'N', 'EMPTY', '_under', 'MULTI', 'PATH', 'LC_ALL', 'FIXED', 'FIXED_EXPORT']));
    expect(state.vars.get('FIXED_EXPORT')).toBe('declare -rx FIXED_EXPORT="2"');
    // Bash's own read-only variables (BASHOPTS, UID…) and those the shell manages are not state.
    for (const name of ['BASHOPTS', 'PPID', 'PWD', 'OLDPWD', 'SHLVL', 'BASH_VERSINFO', 'UID', 'EUID', 'SHELLOPTS']) expect(names).not.toContain(name);
    expect(valuesOf(state, 'MULTI')).toEqual(['line one\nline two']);
    expect(valuesOf(state, 'ARR')).toEqual(['x', 'y z']);
    // Each variable keeps its whole line, which restores it.
    expect(state.vars.get('B_2')).toBe('declare -x B_2="two words"');
    // Lines that declare nothing are not variables.
    writeFileSync(path, '/srv\0declare -- OK="1"\ndeclare - X=1\ndeclare -x 9BAD=1\ndeclare -x BAD-NAME=1\nnot a declaration\ndeclare -x TAIL\n');
    expect([...readState(path)!.vars.keys()]).toEqual(['OK', 'TAIL']);
  });
});
