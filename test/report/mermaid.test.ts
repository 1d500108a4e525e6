import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTimeline } from '../../src/document/timeline.js';
import { ganttChart } from '../../src/session/gantt.js';
import { readJournal } from '../../src/session/journal.js';
import { buildTimeline } from '../../src/session/timeline.js';
import { parseRunbook } from '../../src/parser/index.js';
import { runCli } from '../support/cli.js';
import { copyBundledRunbooks } from '../support/bundled.js';
import { splitTimeline } from '../support/timeline.js';
import { launchBrowser, MERMAID_JS } from '../support/browser.js';

// Names that break a naive chart: a colon ends a task's name, `#` and `;` start entities, `%%`
// a comment, a leading keyword a statement; quotes, emoji, and a name of 200 characters.
const HOSTILE = [
  'Drain: node #3; then "restart" it',
  "section it's not %% a comment",
  'click here 🚀 then 🔥 ✅ <b>bold</b> & more',
  `Long ${'x'.repeat(195)}`,
  'title dateFormat axisFormat: all keywords',
];

/** Mermaid's own parse and render of a chart, in the page: tasks drawn (milestones apart) and their texts. */
async function render(page: Page, chart: string, id: string) {
  return page.evaluate(
    async ({ chart, id }) => {
      const mermaid = (window as unknown as { mermaid: { initialize(o: object): void; parse(t: string): Promise<unknown>; render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
      await mermaid.parse(chart);
      const { svg } = await mermaid.render(id, chart);
      const box = document.createElement('div');
      box.innerHTML = svg;
      document.body.append(box);
      const tasks = [...box.querySelectorAll('rect.task')].filter((r) => !r.classList.contains('milestone'));
      return { bars: tasks.length, milestones: box.querySelectorAll('rect.milestone').length, texts: [...box.querySelectorAll('text.taskText, text.taskTextOutsideRight, text.taskTextOutsideLeft')].map((t) => t.textContent ?? '') };
    },
    { chart, id },
  );
}

describe('the timeline chart, read by Mermaid in a real browser', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: resolve(MERMAID_JS) });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('parses and draws the recorded game day: one bar per step, a milestone per gate', async () => {
    const dir = 'fixtures/report/gameday';
    const timeline = buildTimeline(readJournal(join(dir, '.runbook/2026-11-20.md.journal.jsonl')), parseRunbook(readFileSync(join(dir, '2026-11-20.md'), 'utf8')));
    const drawn = await render(page, ganttChart(timeline), 'gameday');
    expect(drawn.bars).toBe(timeline.bars.length);
    expect(drawn.milestones).toBe(timeline.bars.filter((b) => b.gateMs).length);
  });

  it('draws the chart of a session of a thousand steps, where one bar per step would be past Mermaid\'s text limit', async () => {
    const bars = Array.from({ length: 1000 }, (_, i) => ({ kind: 'block' as const, ref: String(i + 1), label: `step ${i + 1}: check replica lag on db-${i}`, line: 3 + 4 * i, start: 1_000 + 10 * i, end: 1_008 + 10 * i, outcome: i === 700 ? ('failed' as const) : ('passed' as const), exitCode: i === 700 ? 1 : 0, reason: null, edited: false }));
    const chart = ganttChart({ sessions: ['s1'], start: 1_000, end: 11_000, bars, waits: [], operator: null, host: null, outcome: 'failed' });
    const drawn = await render(page, chart, 'thousand');
    const tasks = chart.split('\n').filter((l) => / :(?:done|crit|active), t\d+, /.test(l));
    expect(tasks.length).toBeGreaterThan(10);
    expect(drawn.bars).toBe(tasks.length);
  });

  it('writes a chart Mermaid reads at the end of a session, whatever the step names hold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-mermaid-'));
    const doc = join(dir, 'names.md');
    writeFileSync(doc, `# Names\n\n${HOSTILE.map((name) => `- [ ] ${name}\n\n  \`\`\`bash\n  true\n  \`\`\`\n`).join('\n')}`);
    const run = runCli(['run', doc, '--yes']);
    expect(run.code).toBe(0);
    const text = readFileSync(doc, 'utf8');
    const found = findTimeline(text)!;
    const chart = /```mermaid\n([\s\S]*?)\n```/.exec(text.slice(found.start, found.end))![1]!;
    const drawn = await render(page, chart, 'names');
    expect(drawn.bars).toBe(HOSTILE.length);
    // Every name comes out as written (cut to the chart's length), nothing of it read as syntax.
    for (const [i, name] of HOSTILE.entries()) {
      const label = [...`${i + 1}. ${name}`];
      expect(drawn.texts[i]!.trim()).toBe(label.length > 60 ? `${label.slice(0, 59).join('')}…` : label.join(''));
    }
  });

  it('parses and draws the timeline of the bundled game day and failover drill as run writes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-mermaid-'));
    copyBundledRunbooks(dir);
    for (const name of ['game-day.md', 'failover-drill.md']) {
      expect(runCli(['run', name, '--yes'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'ci' } }).code, name).toBe(0);
      const events = readJournal(join(dir, '.runbook', `${name}.journal.jsonl`));
      const chart = splitTimeline(readFileSync(join(dir, name), 'utf8')).chart!;
      const drawn = await render(page, chart, name.replace(/\W/g, ''));
      expect(drawn.bars, name).toBe(events.filter((e) => e.type === 'block-start' || e.type === 'scenario-start').length);
    }
  }, 90_000);

  it('draws the timeline of a session of every outcome: failed, skipped, timed out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-mermaid-'));
    const doc = join(dir, 'mixed.md');
    writeFileSync(doc, '# Mixed\n\n```bash { name=ok }\ntrue\n```\n\n```bash { name=slow timeout=1s }\nsleep 5\n```\n\n```bash { name=bad }\nexit 4\n```\n');
    expect(runCli(['run', doc, '--yes', '--keep-going']).code).toBe(1);
    const text = readFileSync(doc, 'utf8');
    const chart = /```mermaid\n([\s\S]*?)\n```/.exec(text)![1]!;
    expect(chart).toContain(':crit');
    const drawn = await render(page, chart, 'mixed');
    expect(drawn.bars).toBe(3);
  });
});
