import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { Tmux } from '../support/tmux.js';
import { splitTimeline } from '../support/timeline.js';

// One document with every kind of outcome: a block that passes, one that fails with a reason,
// one that times out, a scenario row canceled mid-run, and a rollback section.
const DOC = `# Parity

- [ ] Passes

  \`\`\`bash { name=ok }
  echo fine
  \`\`\`

- [ ] Fails

  \`\`\`bash { name=bad }
  echo "bad: exit three" >&2; exit 3
  \`\`\`

- [ ] Times out

  \`\`\`bash { name=slow timeout=1s }
  sleep 30
  \`\`\`

## Game day

| ID | Scenario | Inject | Gate | Started | Measured | Outcome | Pass |
|----|----------|--------|------|---------|----------|---------|------|
| A | Hangs | \`echo injected; sleep 30\` | RTO < 60 s | | | | [ ] |

## Rollback

\`\`\`bash { name=undo }
echo undone > undone.txt
\`\`\`
`;

const term = new Tmux('parity');
afterAll(() => term.kill());

/** The document with what differs between two sessions masked: times, durations, dates. */
const masked = (text: string) =>
  text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, 'TIME')
    .replace(/\d+\.\d\d s/g, 'N s')
    .replace(/\d\d:\d\d:\d\d/g, 'HH:MM:SS');

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-parity-'));
  writeFileSync(join(dir, 'p.md'), DOC);
  return dir;
}

async function viaRun(): Promise<{ code: number | null; text: string }> {
  const dir = workspace();
  const child = spawn(process.execPath, [BIN, 'run', 'p.md', '--yes', '--keep-going'], { cwd: dir, env: { ...process.env, RUNBOOK_OPERATOR: 'tmux-op' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  // The scenario is canceled once its command has started, as an operator's Ctrl-C would.
  await expect.poll(() => out.includes('injected'), { timeout: 20_000 }).toBe(true);
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, text: readFileSync(join(dir, 'p.md'), 'utf8') };
}

async function viaPlay(): Promise<{ code: number | null; text: string }> {
  const dir = workspace();
  term.start('play', dir, `node ${BIN} play p.md`, { columns: 110, rows: 40 });
  const run = async (label: RegExp) => {
    await term.waitFor('play', label);
    term.keys('play', 'Enter');
    await term.waitFor('play', /Run this (block|scenario)\? \[y\/N\]/);
    term.keys('play', 'y');
  };
  await run(/› +○ Passes/);
  await run(/› +○ Fails/);
  await term.waitFor('play', /✘ failed \(exit 3\)/);
  term.keys('play', 'n');
  await run(/› +○ Times out/);
  await term.waitFor('play', /✘ timed out/);
  term.keys('play', 'n');
  await run(/› +○ scenario A — Hangs/);
  await term.waitFor('play', '│ injected');
  term.keys('play', 'C-c');
  await term.waitFor('play', /✘ scenario A — Hangs/);
  term.keys('play', 'q');
  const screen = await term.waitFor('play', /EXITED \d+/);
  return { code: Number(/EXITED (\d+)/.exec(screen)![1]), text: readFileSync(join(dir, 'p.md'), 'utf8') };
}

describe('run and play, one engine', () => {
  it('write the same document and exit with the same code for the same outcomes', async () => {
    const fromRun = await viaRun();
    const fromPlay = await viaPlay();
    expect(fromRun.code).toBe(1);
    expect(fromPlay.code).toBe(1);
    // The same record, the timeline's bars included, once times are masked. (The title says how the
    // session ended: run's Ctrl-C ends the session, canceled; play's stops the step, then the operator quits.)
    const chartOf = (text: string) => splitTimeline(text).chart!.replace(/\b\d{13}\b/g, 'MS').replace(/title .*/, 'title');
    expect(chartOf(fromPlay.text)).toBe(chartOf(fromRun.text));
    fromRun.text = splitTimeline(fromRun.text).rest;
    expect(masked(splitTimeline(fromPlay.text).rest)).toBe(masked(fromRun.text));
    // And what they wrote is what happened: passed, failed with its reason, timed out, canceled, no rollback.
    expect(fromRun.text).toMatch(/✅ passed · exit 0 · [^\n]* · tmux-op\n/);
    expect(fromRun.text).toMatch(/❌ failed · exit 3 · [^\n]* · tmux-op · bad: exit three\n/);
    expect(fromRun.text).toMatch(/⏱️ timed out · [^\n]* · tmux-op · timed out after 1\.00 s\n/);
    expect(fromRun.text.endsWith('echo undone > undone.txt\n```\n')).toBe(true);
    expect(fromRun.text).toMatch(/\| A \| Hangs \|[^\n]*canceled[^\n]*\| \[ \] \|/);
  }, 120_000);
});
