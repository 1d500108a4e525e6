import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { tmuxServer } from './tmux.js';

// The play screen at the smallest size it promises to hold: 80×24.
const SIZE = { x: 80, y: 24 };
const { start, history, keys, tmux, waitFor, kill } = tmuxServer('screen');

afterAll(() => {
  kill();
});

function play(name: string, fixture: string, env = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-screen-'));
  copyFileSync(`fixtures/play/${fixture}`, join(dir, fixture));
  start(name, dir, `${env} node ${BIN} play ${fixture}`, SIZE);
  return dir;
}

/** Every file under a folder, read as text. */
function everyFile(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
}

describe('a secret asked before the screen opens', () => {
  it('shows a mask glyph per character, takes a paste and Backspace, and leaves the value nowhere', async () => {
    const dir = play('secret', 'secret.md');
    await waitFor('secret', 'API_TOKEN (used on line 6):');
    keys('secret', '-l', 'hunter2-');
    tmux('set-buffer', '-b', 'secret', 's3cr3t');
    tmux('paste-buffer', '-p', '-b', 'secret', '-t', 'secret');
    keys('secret', 'BSpace');
    keys('secret', '-l', 'T');
    await waitFor('secret', `API_TOKEN (used on line 6): ${'•'.repeat(14)}`);
    keys('secret', 'Enter');
    await waitFor('secret', /› +○ Check the token/);
    keys('secret', 'Enter');
    await waitFor('secret', 'Run this block? [y/N]');
    keys('secret', 'y');
    // The block saw the value as typed: 14 characters, the last one replaced.
    await waitFor('secret', '│ 14');
    keys('secret', 'q');
    await waitFor('secret', 'EXITED 0');
    expect(history('secret')).not.toMatch(/hunter|s3cr3/);
    for (const text of everyFile(dir)) expect(text).not.toMatch(/hunter|s3cr3/);
  }, 60_000);
});
