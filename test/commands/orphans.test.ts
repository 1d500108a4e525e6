import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { killAll, processesWithEnv } from '../support/procs.js';

// Issue 16: a block that leaves a process behind, or touches the descriptors the tool uses to
// talk to its shell, must never keep `run` from ending, never let a control token reach the
// output, and never leave anything running except what was deliberately detached (`setsid`).

/** Generous: the blocks' sleeps last 600 s, so any wait on them is caught. */
const BOUND_MS = 10_000;

/** Hostile first blocks; `SLEEP` is a `sleep` unique to the test, `PIDS` a file for `$!`. */
const blocks: Record<string, string> = {
  setsid: 'setsid SLEEP >/dev/null 2>&1 &\necho $! >> PIDS',
  disown: 'SLEEP &\necho $! >> PIDS\ndisown',
  nohup: 'nohup SLEEP &\necho $! >> PIDS',
  'exec 3>/dev/null': 'exec 3>/dev/null\necho touched',
  'exec 3>&1': 'exec 3>&1\necho touched',
  'exec 63>&- and 255>&-': 'exec 63>&- 255>&- 62>&- 61>&- 60>&-\necho touched',
  'every descriptor closed': 'for fd in /proc/self/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null\necho touched',
  // A descriptor the tool inherited may be a pipe nobody reads: SIGPIPE would end the shell, and
  // the block would fail (rightly). Ignored, the write fails instead and the block goes on.
  'descriptors listed and written to': 'trap \'\' PIPE\nls -l /proc/$$/fd /proc/self/fd\nfor fd in /proc/self/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && { echo hello >&"$n"; } 2>/dev/null || true; done\necho touched',
  'stderr merged into stdout': 'exec 2>&1\necho touched',
  'stdout sent away': 'exec >/dev/null\necho gone',
  'every variable printed': 'declare -p; declare -f; trap -p; set',
};

type Ending = 'finish' | 'timeout' | 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const endings: Ending[] = ['finish', 'timeout', 'SIGINT', 'SIGTERM', 'SIGHUP'];

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/**
 * A runbook: the hostile block, then one that ends as `ending` asks; that one touches `waiting`
 * (its output may be gone: a block can send the session's stdout away).
 */
function runbook(first: string, ending: Ending, sleep: string, waiting: string): string {
  const options = ending === 'timeout' ? ' timeout=1s' : '';
  const second = ending === 'finish' ? 'echo "after: still here"' : `touch ${waiting}; ${sleep}`;
  return `# Orphans\n\n\`\`\`bash { name=hostile }\n${first}\n\`\`\`\n\n\`\`\`bash { name=after${options} }\n${second}\n\`\`\`\n`;
}

async function scenario(kind: string, ending: Ending) {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-orphans-'));
  const mark = randomBytes(6).toString('hex');
  // A fractional, unique duration names this test's sleeps in any process listing.
  const sleep = `sleep 600.${parseInt(mark.slice(0, 6), 16)}`;
  const pids = join(dir, 'pids');
  const first = blocks[kind]!.replaceAll('SLEEP', sleep).replaceAll('PIDS', pids);
  const waiting = join(dir, 'waiting');
  writeFileSync(join(dir, 'orphans.md'), runbook(first, ending, sleep, waiting));
  cleanups.push(() => killAll(processesWithEnv('ORPHAN_MARK', mark).map((p) => p.pid)));
  const child = spawn(process.execPath, [BIN, 'run', 'orphans.md', '--yes'], {
    cwd: dir,
    env: { ...process.env, FORCE_COLOR: '0', GITHUB_ACTIONS: '', RUNBOOK_OPERATOR: 'ci', ORPHAN_MARK: mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let from = Date.now();
  if (ending !== 'finish') {
    await expect.poll(() => existsSync(waiting), { timeout: BOUND_MS }).toBe(true);
    from = Date.now();
    if (ending !== 'timeout') child.kill(ending);
  }
  const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), BOUND_MS).unref())]);
  const tookMs = Date.now() - from;
  const left = existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
  return { code, tookMs, stdout, stderr, mark, sleep, left };
}

describe.each(Object.keys(blocks))('a block that does "%s"', (kind) => {
  it.each(endings)('lets run end (%s), leaves nothing running and prints no control token', async (ending) => {
    const result = await scenario(kind, ending);
    expect(result.code, `run did not exit within ${BOUND_MS} ms:\n${result.stdout}\n${result.stderr}`).not.toBe('hung');
    expect(result.code).toBe(ending === 'finish' ? 0 : 1);
    if (ending === 'finish') expect(result.stdout).toContain('2 passed, 0 failed');
    // Neither an end marker nor a block token (`rb` and 16 hex digits) reaches the output.
    for (const text of [result.stdout, result.stderr]) {
      expect(text).not.toMatch(/\x1e|rb[0-9a-f]{16}/);
    }
    // Every process the run started is gone, but for the one a block detached on purpose.
    const deliberate = kind === 'setsid' ? result.left : [];
    await expect
      .poll(() => processesWithEnv('ORPHAN_MARK', result.mark).filter((p) => !deliberate.includes(p.pid)), { timeout: 3000 })
      .toEqual([]);
    for (const pid of deliberate) expect(processesWithEnv('ORPHAN_MARK', result.mark).map((p) => p.pid)).toContain(pid);
  });
});
