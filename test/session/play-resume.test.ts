import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { BIN } from '../support/cli.js';
import { copyBundledRunbooks } from '../support/bundled.js';
import { alive } from '../support/process.js';

// A real terminal: tmux runs `runbook play`, send-keys types, capture-pane reads the screen.
const socket = `runbook-resume-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = (name: string) => tmux('capture-pane', '-p', '-t', name).stdout;
const keys = (name: string, ...k: string[]) => tmux('send-keys', '-t', name, ...k);
const leftOver: number[] = [];

afterAll(() => {
  tmux('kill-server');
  for (const pid of leftOver) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

function start(name: string, cwd: string, command: string): void {
  const result = tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '36', '-c', cwd, `env RUNBOOK_OPERATOR=tmux-op ${command}; echo EXITED $?; sleep 600`);
  expect(result.status).toBe(0);
}

async function waitFor(name: string, text: string | RegExp): Promise<string> {
  let last = '';
  for (let i = 0; i < 400; i++) {
    last = screen(name);
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the screen never showed ${String(text)}:\n${last}`);
}

/** Runs the selected step: Enter, then `y` at the confirm prompt, and waits for its mark. */
async function runStep(name: string, label: RegExp): Promise<void> {
  await waitFor(name, label);
  keys(name, 'Enter');
  await waitFor(name, 'Run this block? [y/N]');
  keys(name, 'y');
}

describe('play resumes a session quit halfway', () => {
  it('leaves the drill service running on quit, then resumes with variables and folder restored and finishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-resume-'));
    copyBundledRunbooks(dir);
    start('first', dir, `node ${BIN} play failover-drill.md`);
    await runStep('first', /› +○ Start the primary and the replica/);
    await runStep('first', /› +○ Both answer their health check/);
    await runStep('first', /› +○ Kill the primary/);
    await waitFor('first', /› +○ The replica promotes itself/);
    keys('first', 'q');
    // The replica still runs: play names it and asks.
    const asked = await waitFor('first', 'Stop them, or leave them running for a later resume? [S/l]');
    expect(asked).toMatch(/Still running, started by this session:\n\s+\d+\s+node scripts\/drill\.mjs serve --role replica/);
    keys('first', 'l', 'Enter');
    await waitFor('first', 'EXITED 0');
    const events = readFileSync(join(dir, '.runbook', 'failover-drill.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const left = events.find((e) => e.type === 'left-running');
    expect(left.processes.length).toBeGreaterThan(0);
    const replica = left.processes.find((p: { command: string }) => p.command.includes('--role replica')).pid as number;
    leftOver.push(replica);
    expect(alive(replica)).toBe(true);

    start('again', dir, `node ${BIN} play failover-drill.md`);
    const offer = await waitFor('again', 'or start over? [R/s]');
    // The terminal wraps long lines: read the prompt as one.
    expect(offer.replace(/\n/g, '')).toMatch(new RegExp(`after 3 step\\(s\\); still running from it: ${replica} node scripts/drill\\.mjs serve --role replica`));
    keys('again', 'Enter');
    // Resumed: the cursor is on step 4, and DRILL_DIR from step 1 is back in the shell.
    await runStep('again', /› +○ The replica promotes itself/);
    await runStep('again', /› +○ Stop the replica and remove the drill folder/);
    await waitFor('again', /✔ Stop the replica and remove the drill folder/);
    keys('again', 'q');
    await waitFor('again', 'EXITED 0');
    const model = parseRunbook(readFileSync(join(dir, 'failover-drill.md'), 'utf8'));
    expect(model.blocks.filter((b) => b.runnable).map((b) => b.result?.outcome)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    expect(model.tasks.every((t) => t.checked)).toBe(true);
    await expect.poll(() => alive(replica), { timeout: 10_000 }).toBe(false);
  }, 90_000);
});
