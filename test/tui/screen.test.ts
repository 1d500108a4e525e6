import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/tui/text.js';
import { BIN } from '../support/cli.js';
import { splitTimeline } from '../support/timeline.js';
import { Tmux } from '../support/tmux.js';

// The play screen at the smallest size it promises to hold: 80×24.
const SIZE = { columns: 80, rows: 24 };
const terminal = new Tmux('screen');
const tmux = (...args: string[]) => terminal.run(...args);
const screen = (name: string) => terminal.screen(name);
const keys = (name: string, ...k: string[]) => terminal.keys(name, ...k);
const waitFor = (name: string, text: string | RegExp) => terminal.waitFor(name, text);
/** The screen and everything scrolled off it. */
const history = (name: string) => tmux('capture-pane', '-p', '-S', '-', '-t', name).stdout;
/** Matches a screen that does not show `text`. */
const without = (text: string) => new RegExp(`^(?![\\s\\S]*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`);

afterAll(() => {
  terminal.kill();
});

function play(name: string, fixture: string, env = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-screen-'));
  copyFileSync(`fixtures/play/${fixture}`, join(dir, fixture));
  terminal.start(name, dir, `${env} node ${BIN} play ${fixture}`, SIZE);
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

/** The screen holds: no line wider than the pane, the title on the first row, the footer last. */
function holds(text: string, title: string | RegExp = /Noisy output|A long command/): void {
  const lines = text.replace(/\n+$/, '').split('\n');
  for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(SIZE.columns);
  expect(lines.length).toBeLessThanOrEqual(SIZE.rows);
  expect(lines[0]).toMatch(new RegExp(`^(${typeof title === 'string' ? title : title.source}) — `));
  expect(lines.at(-1)).toMatch(/^⏱ \d+:\d\d · /);
}

describe('the play screen at 80×24', () => {
  it('holds its layout through tabs, a 300-column line, a progress bar and cursor movement', async () => {
    play('noisy', 'output.md');
    await waitFor('noisy', /› +○ Print everything/);
    keys('noisy', 'Enter');
    await waitFor('noisy', 'Run this block? [y/N]');
    keys('noisy', 'y');
    const shown = await waitFor('noisy', /› +○ Read it/);
    holds(shown);
    expect(shown).toContain('│ col1    col2    col3');
    expect(shown).toContain(`│ ${'0'.repeat(76)}…`);
    expect(shown).toContain('│ progress 100%');
    expect(shown).not.toContain('progress 10%');
    expect(shown).toContain('│ moved green');
    // Nothing scrolled off: the frame was drawn once, in place.
    expect(history('noisy').split('\n').filter((l) => l.startsWith('Noisy output — '))).toHaveLength(1);
  }, 60_000);

  it('redraws the whole screen on Ctrl-L', async () => {
    play('redraw', 'output.md');
    await waitFor('redraw', /› +○ Print everything/);
    // Something else writes to the terminal, below the frame, as a stray process would.
    const tty = tmux('display-message', '-p', '-t', 'redraw', '#{pane_tty}').stdout.trim();
    writeFileSync(tty, '\x1b7\x1b[24;1HSTRAY-TEXT\x1b8');
    await waitFor('redraw', 'STRAY-TEXT');
    keys('redraw', 'C-l');
    await waitFor('redraw', without('STRAY-TEXT'));
    holds(screen('redraw'));
  }, 60_000);

  it('shows the whole of a 60-line command on the confirm screen, scrolled with [ and ]', async () => {
    play('long', 'long.md');
    await waitFor('long', /› +○ Run sixty lines/);
    keys('long', 'Enter');
    let shown = await waitFor('long', 'Run this block? [y/N]');
    holds(shown);
    expect(shown).toContain('echo line-01');
    expect(shown).toMatch(/lines 1–\d+ of 60 · \[ up · \] down/);
    const seen = new Set<string>();
    for (let i = 0; i < 20 && !seen.has('line-60'); i++) {
      for (const match of shown.matchAll(/echo (line-\d\d)/g)) seen.add(match[1]!);
      keys('long', ']');
      await new Promise((resolve) => setTimeout(resolve, 150));
      shown = screen('long');
      holds(shown);
    }
    for (const match of shown.matchAll(/echo (line-\d\d)/g)) seen.add(match[1]!);
    expect(seen.size).toBe(60);
    keys('long', '[');
    await waitFor('long', 'Run this block? [y/N]');
  }, 60_000);
});

describe('a block that takes its time', () => {
  it('shows its elapsed time ticking and the lines it printed so far', async () => {
    play('wait', 'wait.md');
    await waitFor('wait', /› +○ Wait three seconds/);
    keys('wait', 'Enter');
    await waitFor('wait', 'Run this block? [y/N]');
    keys('wait', 'y');
    await waitFor('wait', /◐ running 0:00 · 2 lines/);
    await waitFor('wait', /◐ running 0:01 · 2 lines/);
    await waitFor('wait', /◐ running 0:02 · 2 lines/);
    await waitFor('wait', '✔ Wait three seconds');
  }, 60_000);
});

describe('a block that waits for recovery', () => {
  it('shows the polls so far, the time left before its deadline and what the last check said', async () => {
    play('recover', 'recover.md');
    await waitFor('recover', /› +○ break/);
    keys('recover', 'Enter');
    await waitFor('recover', 'Run this block? [y/N]');
    keys('recover', 'y');
    const first = await waitFor('recover', /◐ waiting 0:0\d · [1-9]\d* polls? · 0:2\d left · Ctrl-C stops it · last: exit 1/);
    holds(first, 'Break and heal');
    const read = (text: string) => /◐ waiting 0:(\d\d) · (\d+) polls? · 0:(\d\d) left/.exec(text)!.slice(1).map(Number);
    const [elapsed, polls, left] = read(first);
    // A second later: more polls, and as much less time left as more has gone by.
    const later = read(await waitFor('recover', new RegExp(`◐ waiting 0:(?!${String(elapsed).padStart(2, '0')})\\d\\d · `)));
    expect(later[1]).toBeGreaterThan(polls!);
    expect(later[0]! - elapsed!).toBe(left! - later[2]!);
    await waitFor('recover', '✔ break');
    keys('recover', 'q');
    await waitFor('recover', 'EXITED 0');
  }, 60_000);
});

describe('every row is a step', () => {
  it('warns before a block with pre-flight items unticked above it, and n and p visit checklist and table rows', async () => {
    play('rows', 'rows.md');
    await waitFor('rows', /› +○ Paged the on-call DBA/);
    keys('rows', 'Space');
    await waitFor('rows', '☑ Paged the on-call DBA');
    keys('rows', 'n');
    await waitFor('rows', /› +○ Opened the incident channel/);
    keys('rows', 'j');
    await waitFor('rows', /› +○ Froze deploys/);
    keys('rows', 'j');
    await waitFor('rows', /› +○ drain/);
    keys('rows', 'Enter');
    await waitFor('rows', '2 pre-flight items unticked: run anyway? [y/N]');
    keys('rows', 'n');
    await waitFor('rows', without('run anyway'));
    keys('rows', 'Enter');
    await waitFor('rows', '2 pre-flight items unticked: run anyway? [y/N]');
    keys('rows', 'y');
    // After the block, the next unfinished step is the checklist row of the table below it.
    await waitFor('rows', /› +○ replication lag \| · \| \[ \]/);
    keys('rows', 'n');
    await waitFor('rows', /› +○ 10:00 \| TBD/);
    keys('rows', 'p');
    await waitFor('rows', /› +○ replication lag/);
    keys('rows', 'p');
    await waitFor('rows', /› +○ Froze deploys/);
    keys('rows', 'q');
    await waitFor('rows', 'EXITED 0');
  }, 60_000);
});

describe('help', () => {
  it('lists every key on ?, and the footer names the keys of the selected step', async () => {
    play('help', 'rows.md');
    let shown = await waitFor('help', /› +○ Paged the on-call DBA/);
    expect(shown).toMatch(/^⏱ \d+:\d\d · s skip · space tick · n\/p next\/prev · \? keys · q quit/m);
    keys('help', '?');
    shown = await waitFor('help', 'redraw the screen');
    for (const key of ['Enter', 'e ', 'space', 'f ', 'n p', 'b ', '[ ]', 'Ctrl-L', 'Ctrl-C', 'q ']) expect(shown).toContain(`  ${key}`);
    for (const line of shown.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(SIZE.columns);
    keys('help', 'x');
    await waitFor('help', /› +○ Paged the on-call DBA/);
    for (const next of ['Opened the incident channel', 'Froze deploys', 'drain']) {
      keys('help', 'j');
      shown = await waitFor('help', new RegExp(`› +○ ${next}`));
    }
    expect(shown).toMatch(/^⏱ \d+:\d\d · Enter run · e edit · s skip · n\/p/m);
  }, 60_000);
});

describe('an edited block', () => {
  it('is shown as a diff against the block before it runs', async () => {
    play('edit', 'drill.md', `env EDITOR='sed -i s/one/EDITED/'`);
    await waitFor('edit', 'echo one > one.txt');
    keys('edit', 'e');
    const shown = await waitFor('edit', 'Run this block? [y/N]');
    expect(shown).toContain('- echo one > one.txt');
    expect(shown).toContain('+ echo EDITED > one.txt');
    expect(shown).toContain('runs your edited version, this time only');
    keys('edit', 'y');
    await waitFor('edit', '✔ First step');
    keys('edit', 'q');
    await waitFor('edit', 'EXITED 0');
  }, 60_000);
});

describe('an edit holding a secret', () => {
  it('is never saved into the document, and the screen never shows the value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-screen-'));
    copyFileSync('fixtures/play/secret.md', join(dir, 'secret.md'));
    writeFileSync(join(dir, 'editor.sh'), '#!/bin/sh\nsed -i "s/wc -c/wc -c # hunter2-s3cr3t/" "$1"\n', { mode: 0o755 });
    terminal.start('leak', dir, `env API_TOKEN=hunter2-s3cr3t EDITOR=./editor.sh node ${BIN} play secret.md`, SIZE);
    await waitFor('leak', /› +○ Check the token/);
    keys('leak', 'e');
    await waitFor('leak', 'Tab: save it into the document too');
    keys('leak', 'Tab');
    await waitFor('leak', 'runs your edited version and saves it into the document');
    keys('leak', 'y');
    await waitFor('leak', "the edit holds a secret's value: it is never saved into the document");
    keys('leak', 'q');
    await waitFor('leak', 'EXITED 0');
    expect(history('leak')).not.toContain('hunter2');
    const written = readFileSync(join(dir, 'secret.md'), 'utf8');
    expect(written).not.toContain('hunter2');
    expect(splitTimeline(written).rest).toBe(readFileSync('fixtures/play/secret.md', 'utf8'));
    for (const text of everyFile(join(dir, '.runbook'))) expect(text).not.toContain('hunter2');
  }, 60_000);
});

describe('small things said right', () => {
  it('clears a wrong confirm word after saying so, and says what f does on a task line', async () => {
    play('small', 'confirm.md');
    await waitFor('small', /› +○ Told the team/);
    keys('small', 'f');
    await waitFor('small', 'f fills a cell of a table row; this line is a task: space ticks it');
    keys('small', 'j');
    await waitFor('small', /› +○ promote/);
    keys('small', 'Enter');
    await waitFor('small', 'Type "production" to run:');
    keys('small', '-l', 'prod');
    await waitFor('small', 'Type "production" to run: prod');
    keys('small', 'Enter');
    const shown = await waitFor('small', '"prod" is not "production"');
    expect(shown).toMatch(/Type "production" to run:$/m);
    keys('small', '-l', 'production');
    await waitFor('small', 'Type "production" to run: production');
    keys('small', 'Enter');
    await waitFor('small', '✔ promote');
    keys('small', 'q');
    await waitFor('small', 'EXITED 0');
  }, 60_000);
});
