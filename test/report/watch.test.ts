import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { launchBrowser } from '../support/browser.js';

const DOC = '# Drill\n\n```bash { name=first }\necho one\n```\n\n```bash { name=second }\necho two\n```\n';

/** Starts `runbook watch` as a real process and waits for the address it prints. */
async function startWatch(doc: string, args: string[] = []): Promise<{ child: ChildProcess; url: string; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'watch', doc, ...args], { env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/\S+)/.exec(out);
      if (m) done(m[1]!);
    });
    child.on('exit', () => fail(new Error(`watch ended before serving: ${err}`)));
  });
  return { child, url, stderr: () => err, exited };
}

/** The local addresses a TCP port is listened on, from the kernel's own table. */
function listeners(port: number): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const rows = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => readFileSync(f, 'utf8').trim().split('\n').slice(1));
  return rows.map((r) => r.trim().split(/\s+/)).filter((c) => c[1]!.endsWith(`:${hex}`) && c[3] === '0A').map((c) => c[1]!.split(':')[0]!);
}

describe('runbook watch: the live page', () => {
  let browser: Browser;
  const started: ChildProcess[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGTERM');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows a new bar without reload when the journal grows, and ends with the session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-watch-'));
    const doc = join(dir, 'drill.md');
    writeFileSync(doc, DOC);
    expect(runCli(['run', doc, '--yes', '--only', 'first', '--no-timeline']).code).toBe(0);
    const watch = await startWatch(doc);
    started.push(watch.child);
    const page = await browser.newPage();
    await page.goto(watch.url);
    // Connected: the server sends the picture as soon as the page subscribes.
    await page.waitForFunction(() => document.body.dataset.updates === '1');
    expect(await page.locator('rect.bar').count()).toBe(1);
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
      // When the second block's bar first shows passed, by the wall clock the journal uses.
      new MutationObserver(() => {
        const w = window as unknown as { seenAt?: number };
        if (w.seenAt === undefined && [...document.querySelectorAll('rect.o-passed title')].some((t) => t.textContent!.includes('second'))) w.seenAt = Date.now();
      }).observe(document.getElementById('picture')!, { childList: true, subtree: true });
    });
    const run = runCli(['run', doc, '--yes', '--only', 'second', '--no-timeline']);
    expect(run.code).toBe(0);
    await page.waitForFunction(() => (window as unknown as { seenAt?: number }).seenAt !== undefined, undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    // The session that started after the page did has ended: so does the page, and the server.
    await page.waitForFunction(() => document.body.dataset.ended === 'true', undefined, { timeout: 30_000 });
    expect(await watch.exited).toBe(0);
    const seenAt = await page.evaluate(() => (window as unknown as { seenAt: number }).seenAt);
    const events = readFileSync(join(dir, '.runbook', 'drill.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; t: string; name?: string });
    const ended = [...events].reverse().find((e) => e.type === 'block-end' && e.name === 'second')!;
    // Measured, not asserted: the bench table reports it (docs/benchmarks.md).
    mkdirSync('bench/.out', { recursive: true });
    writeFileSync('bench/.out/watch-latency.json', JSON.stringify({ latencyMs: seenAt - Date.parse(ended.t) }));
    await page.close();
  });

  it('refuses any request without the token, answers nothing but GET, and listens on loopback only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-watch-'));
    const doc = join(dir, 'drill.md');
    writeFileSync(doc, DOC);
    const watch = await startWatch(doc);
    started.push(watch.child);
    const url = new URL(watch.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect((await fetch(`${url.origin}/`)).status).toBe(403);
    expect((await fetch(`${url.origin}/events`)).status).toBe(403);
    expect((await fetch(`${url.origin}/not-the-token/`)).status).toBe(403);
    expect((await fetch(watch.url, { method: 'POST', body: 'x' })).status).toBe(405);
    const page = await fetch(watch.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/<form|<button|<input/);
    expect(html).toContain('no session recorded yet');
    expect(listeners(Number(url.port))).toEqual(['0100007F']);
    expect(watch.stderr()).toBe('');
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
  });

  it('warns when told to listen beyond loopback', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-watch-'));
    const doc = join(dir, 'drill.md');
    writeFileSync(doc, DOC);
    const watch = await startWatch(doc, ['--host', '0.0.0.0']);
    started.push(watch.child);
    // The warning goes out before the address, on the other stream: give it the moment it may need.
    for (let i = 0; i < 40 && !watch.stderr(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(watch.stderr()).toMatch(/warning: serving on 0\.0\.0\.0/);
    expect(listeners(Number(new URL(watch.url).port))).toEqual(['00000000']);
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
  });

  it('refuses in one line a document that is not there, and a port already taken', async () => {
    const result = runCli(['watch', join(tmpdir(), 'no-such-doc.md')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    const dir = mkdtempSync(join(tmpdir(), 'runbook-watch-'));
    const doc = join(dir, 'drill.md');
    writeFileSync(doc, DOC);
    const watch = await startWatch(doc);
    started.push(watch.child);
    const taken = runCli(['watch', doc, '--port', new URL(watch.url).port]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/^runbook: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\); choose another --host or --port\n$/);
  });
});
