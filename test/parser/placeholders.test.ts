import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findPlaceholders, placeholderVariable } from '../../src/parser/index.js';

const parses = (script: string) => spawnSync('bash', ['-n'], { input: script }).status === 0;

describe('placeholders in shell text', () => {
  // Each line on its own; bash -n is the judge of what a bare placeholder does to a line.
  const bare = ['kubectl -n <namespace> get pods', 'ssh <host>', 'curl https://api.example.com/<path>', 'psql -h <db host> -c "select 1"', 'cp <src>.bak /tmp'];
  const quoted = ['curl -H "Authorization: Bearer <TOKEN>" https://x', "aws --profile '<your-profile>' s3 ls", 'cat <<< "<HOST>"'];
  const none = [
    'sort < input.txt > output.txt',
    'diff <(ls a) <(ls b)',
    'tr a b <in>out',
    'echo "<b>bold</b> <div>"',
    'exec 3<&0',
    '# a comment about <host>',
    'echo \\<host\\>',
  ];

  it('finds a bare <name>, which bash reads as redirections: a syntax error, or a file written', () => {
    for (const line of bare) {
      const found = findPlaceholders(line);
      expect(found.length, line).toBeGreaterThan(0);
      expect(found.every((p) => p.bare), line).toBe(true);
    }
    expect(bare.filter(parses)).toEqual(['kubectl -n <namespace> get pods', 'psql -h <db host> -c "select 1"', 'cp <src>.bak /tmp']);
  });

  it('finds a quoted <NAME> that cannot be markup, which bash would run as text', () => {
    for (const line of quoted) {
      expect(findPlaceholders(line).map((p) => p.bare), line).toEqual([false]);
      expect(parses(line), line).toBe(true);
    }
  });

  it('leaves redirections, process substitution, markup, here-strings, comments and escapes alone', () => {
    for (const line of none) {
      expect(findPlaceholders(line), line).toEqual([]);
      expect(parses(line), line).toBe(true);
    }
  });

  it('skips here-document bodies and gives each placeholder its offset', () => {
    const script = 'cat <<EOF\n<not-one> <HOST>\nEOF\nssh <host> && scp <file> <dest>:\n';
    expect(findPlaceholders(script).map((p) => [p.text, p.offset, p.line, p.column])).toEqual([
      ['<host>', script.indexOf('<host>'), 3, 4],
      ['<file>', script.indexOf('<file>'), 3, 18],
      ['<dest>', script.indexOf('<dest>'), 3, 25],
    ]);
    expect(findPlaceholders('cat <<-\'END\'\n\t<x>\n\tEND\necho <y>\n').map((p) => p.text)).toEqual(['<y>']);
  });

  it('names the variable a placeholder could become, never one the shell uses', () => {
    expect(placeholderVariable('<deployment-name>')).toBe('DEPLOYMENT_NAME');
    expect(placeholderVariable('<db host>')).toBe('DB_HOST');
    expect(placeholderVariable('<path>')).toBe('PATH_VALUE');
  });
});
