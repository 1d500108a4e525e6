import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { splitTimeline } from '../support/timeline.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { Tmux } from '../support/tmux.js';

const terminal = new Tmux('glyphs');

afterAll(() => {
  terminal.kill();
});

const FIXTURE = 'fixtures/glyphs/readiness-review.md';
/** The `□` boxes of the review, as play lists them, in document order. */
const UNTICKED = [
  'An on-call rotation is named in the paging tool',
  'The escalation path reaches a manager within 15 minutes',
  'Dashboards show the four golden signals',
  'Alerts page on symptoms, not causes',
  'A rollback was rehearsed in staging',
  'Load test reached twice the forecast peak',
  'Security | Priya | □',
  'Capacity | Tomás | □',
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The line the cursor (`›`) stands on. */
const cursorLine = (screen: string) => screen.split('\n').find((line) => line.startsWith('›')) ?? '';

/** Moves the cursor down (`j`) until it stands on the step labelled `label`. */
async function moveTo(name: string, label: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const before = cursorLine(terminal.screen(name));
    if (before.includes(label)) return;
    terminal.keys(name, 'j');
    await terminal.waitFor(name, (screen) => cursorLine(screen) !== before);
  }
  throw new Error(`the cursor never reached ${label}:\n${terminal.screen(name)}`);
}

function audit(file: string): { code: number; lines: string[] } {
  const { code, stdout } = runCli(['audit', file, '--format', 'json']);
  return { code: code ?? -1, lines: (JSON.parse(stdout) as Array<{ line: number; ruleId: string }>).map((f) => `${f.line} ${f.ruleId}`) };
}

describe('a readiness review written with □ boxes', () => {
  it('is audited, played in a real terminal box by box, and audited clean, every other byte kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-glyphs-'));
    const file = join(dir, 'review.md');
    copyFileSync(FIXTURE, file);
    // Before: every □ is a finding where it stands, in the list, the fence and the table alike.
    expect(audit(file)).toEqual({
      code: 1,
      lines: ['7 unticked-task', '8 unticked-task', '14 unticked-task', '15 unticked-task', '19 unticked-task', '20 unticked-task', '27 unticked-cell', '28 unticked-cell'],
    });

    terminal.start('review', dir, `node ${BIN} play review.md`, { columns: 110, rows: 40 });
    await terminal.waitFor('review', /› +○ An on-call rotation/);
    for (const label of UNTICKED) {
      await moveTo('review', label);
      expect(cursorLine(terminal.screen('review'))).toMatch(new RegExp(`○ ${escape(label)}`));
      terminal.keys('review', 'Space');
      await terminal.waitFor('review', new RegExp(`☑ ${escape(label.replace(/□$/, '☑'))}`));
    }
    terminal.keys('review', 'q');
    await terminal.waitFor('review', 'EXITED 0');

    // Each □ became ☑ where it stood; the ☑ already there, the □ in prose and in YAML stay.
    const input = readFileSync(FIXTURE, 'utf8');
    const lines = input.split('\n');
    for (const n of [7, 8, 14, 15, 19, 20, 27, 28]) lines[n - 1] = lines[n - 1]!.replace('□', '☑');
    // The session's timeline is written at the end; everything above it is the input, ticked.
    const { rest, chart } = splitTimeline(readFileSync(file, 'utf8'));
    expect(chart).toMatch(/^gantt\n/);
    expect(Buffer.from(rest, 'utf8')).toEqual(Buffer.from(lines.join('\n'), 'utf8'));
    expect(audit(file)).toEqual({ code: 0, lines: [] });
    const events = readFileSync(join(dir, '.runbook', 'review.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.type === 'tick')).toHaveLength(8);
  }, 120_000);
});
