import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { BIN } from '../support/cli.js';
import { copyBundledRunbooks } from '../support/bundled.js';
import { alive } from '../support/process.js';
import { Tmux } from '../support/tmux.js';

const term = new Tmux('resume');
const leftOver: number[] = [];

afterAll(() => {
  term.kill();
  for (const pid of leftOver) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** Runs the selected step: Enter, then `y` at the confirm prompt, and waits for its mark. */
async function runStep(name: string, label: RegExp): Promise<void> {
  await term.waitFor(name, label);
  term.keys(name, 'Enter');
  await term.waitFor(name, 'Run this block? [y/N]');
  term.keys(name, 'y');
}

describe('play resumes a session quit halfway', () => {
  it('leaves the drill service running on quit, then resumes with variables and folder restored and finishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-resume-'));
    copyBundledRunbooks(dir);
    term.start('first', dir, `node ${BIN} play failover-drill.md`);
    await runStep('first', /› +○ Start the primary and the replica/);
    await runStep('first', /› +○ Both answer their health check/);
    await runStep('first', /› +○ Kill the primary/);
    await term.waitFor('first', /› +○ The replica promotes itself/);
    term.keys('first', 'q');
    // The replica still runs: play names it and asks.
    const asked = await term.waitFor('first', 'Stop them, or leave them running for a later resume? [S/l]');
    expect(asked).toMatch(/Still running, started by this session:\n\s+\d+\s+node scripts\/drill\.mjs serve --role replica/);
    term.keys('first', 'l', 'Enter');
    await term.waitFor('first', 'EXITED 0');
    const events = readFileSync(join(dir, '.runbook', 'failover-drill.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const left = events.find((e) => e.type === 'left-running');
    expect(left.processes.length).toBeGreaterThan(0);
    const replica = left.processes.find((p: { command: string }) => p.command.includes('--role replica')).pid as number;
    leftOver.push(replica);
    expect(alive(replica)).toBe(true);

    term.start('again', dir, `node ${BIN} play failover-drill.md`);
    const offer = await term.waitFor('again', 'or start over? [R/s]');
    // The terminal wraps long lines: read the prompt as one.
    expect(offer.replace(/\n/g, '')).toMatch(new RegExp(`after 3 step\\(s\\); still running from it: ${replica} node scripts/drill\\.mjs serve --role replica`));
    term.keys('again', 'Enter');
    // Resumed: the cursor is on step 4, and DRILL_DIR from step 1 is back in the shell.
    await runStep('again', /› +○ The replica promotes itself/);
    await runStep('again', /› +○ Stop the replica and remove the drill folder/);
    await term.waitFor('again', /✔ Stop the replica and remove the drill folder/);
    term.keys('again', 'q');
    await term.waitFor('again', 'EXITED 0');
    const model = parseRunbook(readFileSync(join(dir, 'failover-drill.md'), 'utf8'));
    expect(model.blocks.filter((b) => b.runnable).map((b) => b.result?.outcome)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    expect(model.tasks.every((t) => t.checked)).toBe(true);
    await expect.poll(() => alive(replica), { timeout: 10_000 }).toBe(false);
  }, 90_000);
});
