import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { BIN, runCli } from '../support/cli.js';
import { alive } from '../support/process.js';
import { copyBundledRunbooks } from '../support/bundled.js';
import { Tmux } from '../support/tmux.js';
import { splitTimeline } from '../support/timeline.js';

const terminal = new Tmux('test');
const tmux = (...args: string[]) => terminal.run(...args);
const start = (name: string, cwd: string, command: string) => terminal.start(name, cwd, command);
const keys = (name: string, ...k: string[]) => terminal.keys(name, ...k);
const waitFor = (name: string, text: string | RegExp) => terminal.waitFor(name, text);

afterAll(() => {
  terminal.kill();
});

const TIMES = /· \d+\.\d\d s · \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ·/g;

describe('runbook play in a real terminal', () => {
  it('runs two blocks, ticks a box, fills a cell and quits, writing exactly that into the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-tmux-'));
    copyFileSync('fixtures/play/drill.md', join(dir, 'drill.md'));
    start('drill', dir, `node ${BIN} play drill.md`);
    await waitFor('drill', 'echo one > one.txt');
    keys('drill', 'Enter');
    await waitFor('drill', 'Run this block? [y/N]');
    keys('drill', 'y');
    await waitFor('drill', '✔ First step');
    await waitFor('drill', /› +○ Second step/);
    keys('drill', 'Enter');
    await waitFor('drill', 'Run this block? [y/N]');
    keys('drill', 'y');
    await waitFor('drill', '│ two after one');
    await waitFor('drill', /› +○ Manual check/);
    keys('drill', 'Space');
    await waitFor('drill', '☑ Manual check');
    keys('drill', 'j');
    await waitFor('drill', /› +○ disk \| · \| \[ \]/);
    // The cursor starts on the row's first cell to fill.
    await waitFor('drill', 'column: Value');
    keys('drill', 'f');
    await waitFor('drill', 'Value: ▏');
    keys('drill', '-l', 'fine');
    keys('drill', 'Enter');
    await waitFor('drill', /disk \| fine \| \[ \]/);
    keys('drill', 'Right');
    keys('drill', 'Space');
    await waitFor('drill', /disk \| fine \| \[x\]/);
    keys('drill', 'q');
    await waitFor('drill', 'EXITED 0');

    const input = readFileSync('fixtures/play/drill.md', 'utf8');
    const result = '  *runbook:* ✅ passed · exit 0 · T · tmux-op';
    const expected = input
      .replace('- [ ] First step', '- [x] First step')
      .replace('- [ ] Second step', '- [x] Second step')
      .replace('- [ ] Manual check', '- [x] Manual check')
      .replace('  echo one > one.txt\n  ```\n', `  echo one > one.txt\n  \`\`\`\n${result}\n`)
      .replace('  echo "two after $(cat one.txt)"\n  ```\n', `  echo "two after $(cat one.txt)"\n  \`\`\`\n${result}\n`)
      .replace('| disk | | [ ] |', '| disk | fine | [x] |');
    const { rest, chart } = splitTimeline(readFileSync(join(dir, 'drill.md'), 'utf8'));
    expect(rest.replace(TIMES, '· T ·')).toBe(expected);
    expect(chart!.match(/ :done, t\d+,/g)).toHaveLength(2);
    const events = readFileSync(join(dir, '.runbook', 'drill.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(['session-start', 'variables', 'block-start', 'block-end', 'tick', 'block-start', 'block-end', 'tick', 'tick', 'fill', 'tick', 'session-end']);
    expect(events[2]).toMatchObject({ name: 'one', command: 'echo one > one.txt' });
    expect(events[9]).toMatchObject({ what: 'cell "Value" of row "disk"' });
  }, 60_000);

  it('loses nothing when the terminal is killed mid-block, and resumes at that step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-tmux-'));
    copyFileSync('fixtures/play/slow.md', join(dir, 'slow.md'));
    start('slow', dir, `node ${BIN} play slow.md`);
    await waitFor('slow', 'echo quick');
    keys('slow', 'Enter');
    await waitFor('slow', 'Run this block? [y/N]');
    keys('slow', 'y');
    await waitFor('slow', /› +○ Slow step/);
    keys('slow', 'Enter');
    await waitFor('slow', 'Run this block? [y/N]');
    keys('slow', 'y');
    await waitFor('slow', '│ started-slow');
    // Close the terminal under the running block.
    tmux('kill-session', '-t', 'slow');
    const pid = Number(readFileSync(join(dir, 'slow.pid'), 'utf8'));
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => existsSync(join(dir, 'slow.md.lock')), { timeout: 10_000 }).toBe(false);
    const model = parseRunbook(readFileSync(join(dir, 'slow.md'), 'utf8'));
    expect(model.blocks[0]!.result?.outcome).toBe('passed');
    expect(model.tasks.map((t) => t.checked)).toEqual([true, false, false]);
    const types = readFileSync(join(dir, '.runbook', 'slow.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).type);
    expect(types).toContain('abort');

    start('again', dir, `node ${BIN} play slow.md`);
    // The last session did not finish: play offers to resume it.
    await waitFor('again', /ended aborted after 1 step\(s\)[\s\S]*Resume it \(its variables and folder restored\) or start over\? \[R\/s\]/);
    keys('again', 'Enter');
    const reopened = await waitFor('again', 'echo started-slow');
    expect(reopened).toMatch(/✔ Quick step/);
    expect(reopened).toMatch(/› +✘ Slow step/);
    keys('again', 'q');
    // The slow block is recorded as canceled: quitting reports a block that did not pass.
    await waitFor('again', 'EXITED 1');
    expect(parseRunbook(readFileSync(join(dir, 'slow.md'), 'utf8')).blocks[1]!.result?.outcome).toBe('canceled');
  }, 60_000);
});

describe('runbook play, other ways in', () => {
  it('refuses without a terminal, pointing at runbook run', () => {
    const result = spawnSync(process.execPath, [BIN, 'play', 'fixtures/play/drill.md'], { encoding: 'utf8', input: '' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('runbook: play needs a terminal; for scripts and CI use `runbook run fixtures/play/drill.md --yes`\n');
  });

  it('creates a dated session doc from a template with --new and plays it, leaving the template alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-tmux-'));
    copyFileSync('fixtures/play/drill.md', join(dir, 'TEMPLATE.md'));
    start('new', dir, `node ${BIN} play TEMPLATE.md --new`);
    await waitFor('new', 'echo one > one.txt');
    keys('new', 'Enter');
    await waitFor('new', 'Run this block? [y/N]');
    keys('new', 'y');
    await waitFor('new', '✔ First step');
    keys('new', 'q');
    await waitFor('new', 'EXITED 0');
    const now = new Date();
    const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    const session = parseRunbook(readFileSync(join(dir, `${day}.md`), 'utf8'));
    expect(session.frontMatter!.data.runbook).toMatchObject({ template: 'TEMPLATE.md', operator: 'tmux-op' });
    expect(session.blocks[0]!.result?.outcome).toBe('passed');
    expect(readFileSync(join(dir, 'TEMPLATE.md'), 'utf8')).toBe(readFileSync('fixtures/play/drill.md', 'utf8'));
  }, 60_000);
});

describe('editing a block before it runs', () => {
  it('runs the edited text this time only, journals it, and leaves the runbook as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-tmux-'));
    copyFileSync('fixtures/play/drill.md', join(dir, 'drill.md'));
    start('edit', dir, `env EDITOR='sed -i s/one/EDITED/' node ${BIN} play drill.md`);
    await waitFor('edit', 'echo one > one.txt');
    keys('edit', 'e');
    await waitFor('edit', 'runs your edited version, this time only');
    keys('edit', 'y');
    await waitFor('edit', '✔ First step');
    keys('edit', 'q');
    await waitFor('edit', 'EXITED 0');
    expect(readFileSync(join(dir, 'one.txt'), 'utf8')).toBe('EDITED\n');
    const model = parseRunbook(readFileSync(join(dir, 'drill.md'), 'utf8'));
    expect(model.blocks[0]!.body).toBe('echo one > one.txt');
    const events = readFileSync(join(dir, '.runbook', 'drill.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === 'block-start')).toMatchObject({ command: 'echo EDITED > one.txt', edited: true });
    expect(events.find((e) => e.type === 'edit')).toMatchObject({ block: 0, name: 'one', body: 'echo EDITED > one.txt', saved: false });
    expect(model.blocks[0]!.result).toMatchObject({ outcome: 'passed', edited: true });
    expect(readFileSync(join(dir, 'drill.md'), 'utf8')).toMatch(/^ {2}\*runbook:\* ✅ passed · edited · exit 0 · /m);
  }, 60_000);

  it('saves the edit into the block when the operator asks, changing only its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-tmux-'));
    copyFileSync('fixtures/play/drill.md', join(dir, 'drill.md'));
    start('save', dir, `env EDITOR='sed -i s/one/SAVED/' node ${BIN} play drill.md`);
    await waitFor('save', 'echo one > one.txt');
    keys('save', 'e');
    await waitFor('save', 'Tab: save it into the document too');
    keys('save', 'Tab');
    await waitFor('save', 'runs your edited version and saves it into the document');
    keys('save', 'y');
    await waitFor('save', 'passed · edited in');
    keys('save', 'q');
    await waitFor('save', 'EXITED 0');
    const text = splitTimeline(readFileSync(join(dir, 'drill.md'), 'utf8')).rest;
    const result = /^ {2}\*runbook:\* ✅ passed · edited · exit 0 · .*\n/m.exec(text)![0];
    // The block's line and the result line are all that changed; the task was ticked by the pass.
    const original = readFileSync('fixtures/play/drill.md', 'utf8');
    expect(text).toBe(original.replace('echo one > one.txt\n  ```\n', `echo SAVED > one.txt\n  \`\`\`\n${result}`).replace('- [ ] First step', '- [x] First step'));
    const events = readFileSync(join(dir, '.runbook', 'drill.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === 'edit')).toMatchObject({ body: 'echo SAVED > one.txt', saved: true });
    expect(events.find((e) => e.type === 'save-edit')).toMatchObject({ block: 0, line: 5 });
  }, 60_000);
});

describe('a game day in a real terminal', () => {
  it('plays the bundled game day scenario by scenario, fills each row and prints the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-tmux-'));
    copyBundledRunbooks(dir);
    start('gameday', dir, `node ${BIN} play game-day.md`);
    await waitFor('gameday', 'DRILL_DIR="$(mktemp -d)"');
    const run = async (done: string | RegExp) => {
      keys('gameday', 'Enter');
      await waitFor('gameday', /Run this (block|scenario)\? \[y\/N\]/);
      keys('gameday', 'y');
      await waitFor('gameday', done);
    };
    await run('✔ Start the primary, the replica and the worker');
    keys('gameday', 'Space');
    await waitFor('gameday', '☑ Everyone on the call');
    keys('gameday', 'j');
    await waitFor('gameday', /› +○ scenario A — Primary dies, replica takes over · gate RTO < 10 s/);
    await run(/✔ scenario A — Primary dies, replica takes over · gate RTO < 10 s · measured \d+\.\d\d s/);
    await waitFor('gameday', /✅ passed: \d+\.\d\d s meets < 10 s/);
    await run(/✔ scenario B — Worker restarts · gate healthy again < 10 s · measured \d+\.\d\d s/);
    await run(/✔ scenario C — New primary answers/);
    await run('✔ Stop the servers and remove the drill folder');
    await waitFor('gameday', /› +○ Gaps found are filed/);
    keys('gameday', 'Space');
    await waitFor('gameday', '☑ Gaps found are filed');
    keys('gameday', 'q');
    const end = await waitFor('gameday', 'EXITED 0');
    expect(end).toMatch(/A — Primary dies, replica takes over +RTO < 10 s +\d+\.\d\d s +passed/);
    const model = parseRunbook(readFileSync(join(dir, 'game-day.md'), 'utf8'));
    for (const scenario of model.scenarios) {
      const cells = model.tables[scenario.table]!.rows[scenario.row]!.cells;
      expect(cells[scenario.columns.box]!.text).toBe('✅');
      expect(cells[scenario.columns.measured]!.text).toMatch(/^\d+\.\d\d s$/);
    }
    const types = readFileSync(join(dir, '.runbook', 'game-day.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).type);
    expect(types.filter((t) => t === 'scenario-end')).toHaveLength(3);
    expect(types).toContain('summary');
    // Played as intended, the session doc passes audit.
    const audit = runCli(['audit', 'game-day.md'], { cwd: dir });
    expect(audit.code, audit.stdout).toBe(0);
  }, 90_000);
});
