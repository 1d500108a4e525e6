import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { launchBrowser } from '../support/browser.js';
import { Tmux } from '../support/tmux.js';

const terminal = new Tmux('play-watch');

describe('play --watch', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    terminal.kill();
    await browser?.close();
  });

  it('serves the session it plays, live, until the operator quits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-play-watch-'));
    writeFileSync(join(dir, 'p.md'), '# P\n\n```bash { name=first }\necho one\n```\n\n```bash { name=second }\necho two\n```\n');
    terminal.start('p', dir, `node ${BIN} play p.md --watch`);
    const screen = await terminal.waitFor('p', /live page for observers \(read-only\): (http:\/\/127\.0\.0\.1:\d+\/\S+\/)/);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/\S+\/)/.exec(screen)![1]!;
    await terminal.waitFor('p', '? keys');
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.updates === '1');
    expect(await page.locator('rect.bar').count()).toBe(0);
    terminal.keys('p', 'Enter');
    await terminal.waitFor('p', 'Run this block? [y/N]');
    terminal.keys('p', 'y');
    await terminal.waitFor('p', '✔ first');
    await page.waitForFunction(() => document.querySelectorAll('rect.o-passed').length === 1, undefined, { timeout: 2000 });
    terminal.keys('p', 'q');
    await terminal.waitFor('p', 'EXITED 0');
    await page.waitForFunction(() => document.body.dataset.ended === 'true', undefined, { timeout: 5000 });
    await expect(fetch(url)).rejects.toThrow();
    await page.close();
  }, 60_000);
});
