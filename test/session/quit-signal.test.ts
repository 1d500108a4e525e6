import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { copyBundledRunbooks } from '../support/bundled.js';
import { alive } from '../support/process.js';
import { Tmux } from '../support/tmux.js';

const term = new Tmux('quit-signal');
const started: number[] = [];

afterAll(() => {
  term.kill();
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe('play stopped while it asks what to do with the processes left', () => {
  it('records the stop, ends the session and its processes, and lets go of the document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-quit-signal-'));
    copyBundledRunbooks(dir);
    term.start('drill', dir, `node ${BIN} play failover-drill.md`);
    await term.waitFor('drill', /› +○ Start the primary and the replica/);
    term.keys('drill', 'Enter');
    await term.waitFor('drill', 'Run this block? [y/N]');
    term.keys('drill', 'y');
    await term.waitFor('drill', /› +○ Both answer their health check/);
    term.keys('drill', 'q');
    const asked = await term.waitFor('drill', 'Stop them, or leave them running for a later resume? [S/l]');
    const servers = [...asked.matchAll(/^\s+(\d+)\s+node scripts\/drill\.mjs serve/gm)].map((m) => Number(m[1]));
    started.push(...servers);
    expect(servers).toHaveLength(2);
    // The terminal closes (or the tool is told to stop) before anyone answers.
    const holder = JSON.parse(readFileSync(join(dir, 'failover-drill.md.lock'), 'utf8')) as { pid: number };
    process.kill(holder.pid, 'SIGHUP');
    await term.waitFor('drill', 'EXITED 1');
    const types = readFileSync(join(dir, '.runbook', 'failover-drill.md.journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types.slice(-2)).toEqual(['abort', 'session-end']);
    // Stopped as on any stop of a session (SIGTERM to its process groups): give them a moment.
    for (let i = 0; i < 40 && servers.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
    expect(servers.filter(alive)).toEqual([]);
    expect(existsSync(join(dir, 'failover-drill.md.lock'))).toBe(false);
  });
});
