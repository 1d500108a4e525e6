import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';

// A home of its own: no ssh config of the machine's user names the test's hosts.
const env = { RUNBOOK_OPERATOR: 'ci', HOME: mkdtempSync(join(tmpdir(), 'runbook-home-')) };

interface Case {
  name: string;
  /** The block's info string after `bash`, and extra arguments. */
  info?: string;
  args?: string[];
  /** What stderr must say. */
  says: RegExp;
}

// Each case: a first block that would leave a trace, and the bad thing on the second block (line 7).
const cases: Case[] = [
  { name: 'a timeout that is not a duration', info: '{ timeout=abc }', says: /^runbook: f\.md:7: timeout=abc is not a duration \(30s, 5m, 1h30m\); nothing was run\n$/ },
  { name: 'a poll interval that is not a duration', info: '{ until="true" every=soon }', says: /^runbook: f\.md:7: every=soon is not a duration/ },
  { name: 'a poll window that is not a duration', info: '{ until="true" within=x }', says: /^runbook: f\.md:7: within=x is not a duration/ },
  { name: 'confirm without its word', info: '{ confirm }', says: /^runbook: f\.md:7: .*confirm/ },
  { name: 'a block for a host nothing defines', info: '{ host=db1 }', says: /^runbook: f\.md:7: host=db1: no host db1 in the inventory or the ssh config; nothing was run\n$/ },
  { name: 'an interactive block', info: '{ interactive }', says: /^runbook: f\.md:7: .*interactive/ },
  { name: 'options that do not read', info: '{ name=x', says: /^runbook: f\.md:7: / },
  { name: '--timeout that is not a duration', args: ['--timeout', 'abc'], says: /^runbook: --timeout: abc is not a duration/ },
  { name: '--cwd that is not a folder', args: ['--cwd', '/nope/missing'], says: /^runbook: .*--cwd \/nope\/missing is not a folder/ },
  { name: '--set without a value', args: ['--set', 'novalue'], says: /^runbook: .*--set takes NAME=VALUE, got "novalue"/ },
  // No block runs elsewhere: the flags are still read, and a mistake in them said.
  { name: '--hosts without its hosts', args: ['--hosts', 'web'], says: /^runbook: --hosts web: write GROUP=host1,host2; nothing was run\n$/ },
  { name: '--inventory that does not exist', args: ['--inventory', 'nope.yml'], says: /^runbook: --inventory nope\.yml: .*nope\.yml does not exist/ },
];

function workspace(info = ''): { dir: string; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-prepare-'));
  const text = `# F\n\n\`\`\`bash\necho ran > ran.txt\n\`\`\`\n\n\`\`\`bash ${info}\necho second\n\`\`\`\n`;
  writeFileSync(join(dir, 'f.md'), text);
  return { dir, text };
}

/** Nothing ran, nothing was locked or journaled, the document is as it was. */
function untouched(dir: string, text: string): void {
  expect(existsSync(join(dir, 'ran.txt'))).toBe(false);
  expect(existsSync(join(dir, 'f.md.lock'))).toBe(false);
  expect(existsSync(join(dir, '.runbook'))).toBe(false);
  expect(readFileSync(join(dir, 'f.md'), 'utf8')).toBe(text);
}

/** Runs `runbook play` with a terminal of its own (util-linux `script`); what it printed, and its exit code. */
function play(dir: string, args: string[]): { code: number | null; output: string } {
  const command = [process.execPath, BIN, 'play', 'f.md', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, encoding: 'utf8', input: '', env: { ...process.env, ...env, FORCE_COLOR: '0' } });
  return { code: result.status, output: result.stdout.replace(/\r/g, '') };
}

describe('a session with a bad option or flag does not start', () => {
  it.each(cases)('run: $name — one clear line, exit 2, nothing run, locked or journaled', ({ info, args, says }) => {
    const { dir, text } = workspace(info);
    const { code, stderr } = runCli(['run', 'f.md', '--yes', ...(args ?? [])], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stderr).toMatch(says);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
    untouched(dir, text);
  });

  it.each(cases)('play: $name — the same line, exit 2, nothing run, locked or journaled', ({ info, args, says }) => {
    const { dir, text } = workspace(info);
    const { code, output } = play(dir, args ?? []);
    expect(code).toBe(2);
    expect(`${output.trim()}\n`).toMatch(says);
    expect(output).not.toMatch(/internal error|\n\s+at /);
    untouched(dir, text);
  });

  it('reports every problem of a document at once, each with its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-prepare-'));
    writeFileSync(join(dir, 'f.md'), '```bash { timeout=abc }\necho a\n```\n\n```bash { every=soon until=true }\necho "$NOWHERE"\n```\n\n```bash { host=db1 }\necho c\n```\n');
    const { code, stderr } = runCli(['run', 'f.md', '--yes', '--timeout', '0'], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^runbook: --timeout: 0 would stop every block at once/);
    const again = runCli(['run', 'f.md', '--yes'], { cwd: dir, env });
    expect(again.stderr).toMatch(/^runbook: 4 problems stop this session \(nothing was run\):\n {2}f\.md:1: timeout=abc .*\n {2}f\.md:5: every=soon .*\n {2}f\.md:6: no value for NOWHERE.*\n {2}f\.md:9: .*host.*\n$/);
  });
});
