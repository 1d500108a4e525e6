import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';

/** Runs `runbook ...args` with standard output redirected into `file` (opened with `flags`), as `> file` does. */
function intoFile(args: string[], cwd: string, file: string, flags: 'w' | 'a') {
  const fd = openSync(file, flags);
  try {
    const result = spawnSync(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', GITHUB_ACTIONS: '' }, timeout: 300_000 });
    return { code: result.status, stderr: result.stderr };
  } finally {
    closeSync(fd);
  }
}

describe('standard output redirected into a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-output-file-'));
  // Enough findings for several pieces of output, with text outside ASCII in them.
  const tasks = Array.from({ length: 1400 }, (_, i) => `- [ ] Vérifier la réplique ${i} 🚀`).join('\n');
  writeFileSync(join(dir, 'session.md'), `---\nrunbook:\n  template: drill.md\n---\n# Exercice\n\n${tasks}\n`);
  writeFileSync(join(dir, 'drill.md'), '# Exercice\n\n- [ ] Vérifier\n');
  writeFileSync(join(dir, 'steps.md'), '# Steps\n\n```bash\nfor i in 1 2 3; do echo "línea $i"; done\n```\n\n```bash\nprintf \'%s\\n\' "ünd zwei" >&2; echo drei\n```\n');

  it('holds the same bytes as a pipe gets, for every audit format', () => {
    for (const format of ['json', 'text', 'github', 'sarif']) {
      const piped = runCli(['audit', 'session.md', '--format', format], { cwd: dir });
      const file = join(dir, `out.${format}`);
      const written = intoFile(['audit', 'session.md', '--format', format], dir, file, 'w');
      expect(written.code).toBe(piped.code);
      expect(piped.code).toBe(1);
      expect(readFileSync(file, 'utf8')).toBe(piped.stdout);
    }
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toContain('réplique 1399 🚀');
  });

  it('is appended to, after what the file held, with `>>`', () => {
    const file = join(dir, 'appended.txt');
    writeFileSync(file, 'before\n');
    expect(intoFile(['audit', 'session.md', '--format', 'github'], dir, file, 'a').code).toBe(1);
    expect(intoFile(['list', 'steps.md'], dir, file, 'a').code).toBe(0);
    const piped = [runCli(['audit', 'session.md', '--format', 'github'], { cwd: dir }).stdout, runCli(['list', 'steps.md'], { cwd: dir }).stdout];
    expect(readFileSync(file, 'utf8')).toBe(`before\n${piped.join('')}`);
  });

  it('gets a run\'s lines in the order they were printed', () => {
    const file = join(dir, 'run.txt');
    const written = intoFile(['run', 'steps.md', '--yes'], dir, file, 'w');
    expect(written.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    const order = ['línea 1', 'línea 2', 'línea 3', 'drei'].map((line) => text.indexOf(line));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), text).toBe(true);
  });

  it('that cannot be written (a full disk) is said so, exit 2, and a run still finishes its session', () => {
    for (const args of [['--version'], ['audit', 'session.md', '--format', 'json'], ['list', 'steps.md']]) {
      const { code, stderr } = intoFile(args, dir, '/dev/full', 'w');
      expect(stderr, args.join(' ')).toBe('runbook: cannot write standard output (ENOSPC); what was printed from then on is lost\n');
      expect(code).toBe(2);
    }
    writeFileSync(join(dir, 'marks.md'), '# Marks\n\n```bash\necho first; touch first.mark\n```\n\n```bash\necho second; touch second.mark\n```\n');
    const { code, stderr } = intoFile(['run', 'marks.md', '--yes'], dir, '/dev/full', 'w');
    expect(stderr).toContain('cannot write standard output (ENOSPC)');
    expect(code).toBe(2);
    expect([existsSync(join(dir, 'first.mark')), existsSync(join(dir, 'second.mark'))]).toEqual([true, true]);
  });
});
