import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { alive } from '../support/process.js';

describe('what a block leaves running', () => {
  it('is named in run output and the journal, and run still ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-left-'));
    // The block ends once its child has become `sleep` in a session of its own, as a daemon a
    // runbook starts has by the time the next step runs.
    writeFileSync(join(dir, 'l.md'), '```bash { name=daemon }\nsetsid sleep 600 >/dev/null 2>&1 < /dev/null &\nchild=$!\nuntil [ "$(cat /proc/$child/comm 2>/dev/null)" = sleep ] && [ "$(ps -o sid= -p $child | tr -d " ")" = "$child" ]; do sleep 0.05; done\necho started\n```\n');
    const { code, stdout } = runCli(['run', 'l.md', '--yes'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'ci' } });
    expect(code).toBe(0);
    const named = /left running: (\d+) sleep 600/.exec(stdout);
    expect(named).not.toBeNull();
    const pid = Number(named![1]);
    try {
      expect(alive(pid)).toBe(true);
      const end = readFileSync(join(dir, '.runbook', 'l.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.type === 'block-end');
      expect(end.left).toEqual([expect.objectContaining({ pid, command: 'sleep 600', detached: true })]);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });
});
