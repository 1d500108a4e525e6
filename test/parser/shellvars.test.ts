import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { scanShell } from '../../src/parser/shellvars.js';

/** The variables bash itself finds unset running `script` under `set -u` (it stops at the first). */
function unboundInBash(script: string): string[] {
  const result = spawnSync('bash', ['--norc', '--noprofile', '-uc', script], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const found = /(\w+): unbound variable/.exec(result.stderr);
  return found ? [found[1]!] : [];
}

describe('variables used inside a command substitution', () => {
  // Each script needs at most one variable, so that bash (which stops at the first) is the oracle.
  it.each([
    ['awk inside "$(…)" uses nothing of the shell', `echo "$(echo a b | awk '{print $NF}')"`, []],
    ['jq inside "$(…)"', `echo "$(echo '{}' | jq -n '$ENV | length' 2>/dev/null || true)"`, []],
    ['a variable in double quotes inside "$(…)"', `echo "$(printf '%s' "$REGION")"`, ['REGION']],
    ['single quotes in "$(…)" hide, a bare use does not', `x="$(cd "$ZONE_DIR" 2>/dev/null; echo '$NOPE')"`, ['ZONE_DIR']],
    ['parentheses inside the substitution', `echo "$( (echo '$A') )"`, []],
    ['nested substitutions', `echo "$(echo $(echo '$B') "$C")"`, ['C']],
    ['quoting restored after the substitution', `echo "$(true) '$D'"`, ['D']],
    ['a substitution outside double quotes', `echo $(echo '$E' "$F")`, ['F']],
    ['awk inside backquotes in double quotes', 'echo "`echo a b | awk \'{print $NF}\'`"', []],
    ['a variable inside backquotes', 'echo "`printf %s "$G"`"', ['G']],
    ['awk in a substitution in a here-document', 'cat <<EOF\nlast: $(echo a b | awk \'{print $NF}\') "$(printf %s "$I")"\nEOF', ['I']],
    ['quoting restored after backquotes', 'echo "`true` \'$H\'"', ['H']],
  ])('%s', (_, script, names) => {
    expect(unboundInBash(script)).toEqual(names);
    expect(scanShell(script).uses.map((u) => u.name)).toEqual(names);
  });
});
