import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { launchBrowser } from '../support/browser.js';

const FIXTURE = 'fixtures/report/gameday';
const DOC = '2026-11-20.md';

interface Event {
  type: string;
  t: string;
  block?: number;
  scenario?: number;
  id?: string;
  name?: string;
  gate?: string;
  reason?: string;
  error?: string;
  outcome?: string;
  edited?: boolean;
}

/** The steps as the journal records them, read here on their own: start, end, and what the end says. */
function journaledSteps(dir: string) {
  const events = readFileSync(join(dir, '.runbook', `${DOC}.journal.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Event);
  const steps: Array<{ key: string; start: number; end: number; start_: Event; end_: Event }> = [];
  for (const e of events) {
    const key = e.block !== undefined ? `b${e.block}` : `s${e.scenario}`;
    if (e.type === 'block-start' || e.type === 'scenario-start') steps.push({ key, start: Date.parse(e.t), end: NaN, start_: e, end_: e });
    if (e.type === 'block-end' || e.type === 'scenario-end') Object.assign([...steps].reverse().find((s) => s.key === key)!, { end: Date.parse(e.t), end_: e });
  }
  return steps;
}

describe('runbook report in a real browser', () => {
  let browser: Browser;
  let dir: string;
  let html: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-report-'));
    cpSync(FIXTURE, dir, { recursive: true });
    const result = runCli(['report', join(dir, DOC)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    html = join(dir, '2026-11-20.report.html');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws one bar per step, in order, with widths proportional to durations, and fetches nothing', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(html).href);
    const steps = journaledSteps(dir);
    const bars = await page.locator('rect.bar').evaluateAll((rects) => rects.map((r) => ({ x: (r as SVGRectElement).x.baseVal.value, width: Number(r.getAttribute('data-width')), outcome: r.getAttribute('data-outcome'), title: r.querySelector('title')!.textContent!, classes: r.getAttribute('class')! })));
    expect(bars).toHaveLength(steps.length);
    // In the order they started, and each as long as the journal says, on one scale.
    const perMs = bars.map((b, i) => b.width / (steps[i]!.end - steps[i]!.start));
    const scale = Math.max(...perMs.map((r, i) => r * (steps[i]!.end - steps[i]!.start))) / Math.max(...steps.map((s) => s.end - s.start));
    for (const ratio of perMs) expect(ratio).toBeCloseTo(scale, 4);
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.x).toBeGreaterThan(bars[i - 1]!.x);
    // Positions to within half a pixel: the SVG keeps two decimals.
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.x - bars[0]!.x).toBeCloseTo((steps[i]!.start - steps[0]!.start) * scale, 0);
    expect(bars.map((b) => b.outcome)).toEqual(steps.map((s) => s.end_.outcome));
    expect(bars.filter((b) => b.classes.includes('edited'))).toHaveLength(steps.filter((s) => s.start_.edited).length);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    await page.close();
  });

  it('puts each gate mark where its target falls, beside the measured recovery', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(html).href);
    const steps = journaledSteps(dir);
    const bars = await page.locator('rect.bar').evaluateAll((rects) => rects.map((r) => ({ x: (r as SVGRectElement).x.baseVal.value, width: Number(r.getAttribute('data-width')) })));
    // The scale, from the longest bar: the one the SVG's rounding moves least.
    const longest = steps.reduce((a, s, i) => (s.end - s.start > steps[a]!.end - steps[a]!.start ? i : a), 0);
    const perMs = bars[longest]!.width / (steps[longest]!.end - steps[longest]!.start);
    const gates = await page.locator('line.gate').evaluateAll((lines) => lines.map((l) => ({ x: (l as SVGLineElement).x1.baseVal.value, classes: l.getAttribute('class')! })));
    const scenarios = steps.map((s, i) => ({ ...s, bar: bars[i]! })).filter((s) => s.start_.gate);
    expect(gates).toHaveLength(scenarios.length);
    scenarios.forEach((s, k) => {
      const seconds = Number(/(\d+)\s*s/.exec(s.start_.gate!)![1]);
      expect(gates[k]!.x).toBeCloseTo(s.bar.x + seconds * 1000 * perMs, 0);
      const met = (s.end_ as Event & { gateMet?: boolean | null }).gateMet;
      if (met === false) expect(gates[k]!.classes).toContain('missed');
      if (met === true) expect(gates[k]!.classes).toContain('met');
    });
    expect(await page.locator('circle.detect').count()).toBe(scenarios.length);
    await page.close();
  });

  it('names the reason in the failed bar\'s hover text, and a click shows its output', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(html).href);
    const failed = journaledSteps(dir).find((s) => s.end_.outcome === 'failed')!;
    const bar = page.locator('rect.o-failed');
    await bar.hover();
    const title = await bar.locator('title').textContent();
    expect(title).toContain(failed.end_.reason!);
    expect(title).toContain(failed.start_.name!);
    await bar.click();
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toMatch(/^#out-\d+$/);
    const target = page.locator(hash);
    expect(await target.locator('pre').textContent()).toContain('cache miss rate');
    expect(await page.evaluate(() => document.querySelector(':target')?.id)).toBe(hash.slice(1));
    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: resolve('test/artifacts/report-gameday.png'), fullPage: true });
    await page.close();
  });

  it('prints the summary: steps by outcome, total time, gates, operator, template and commit', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(html).href);
    const summary = (await page.locator('table.summary').textContent())!;
    expect(summary).toContain('1 failed');
    expect(summary).toContain('1 timed out');
    expect(summary).toContain('1 edited');
    expect(summary).toContain('1 missed');
    expect(summary).toContain('Dana Ops');
    expect(summary).toContain('failover-gameday.md');
    expect(summary).toContain('3f9c2a1b7d4e');
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf();
    expect(pdf.length).toBeGreaterThan(1000);
    await page.close();
  });
});
