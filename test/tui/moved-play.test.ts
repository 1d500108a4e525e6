import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { Tmux } from '../support/tmux.js';

const terminal = new Tmux('moved');

afterAll(() => {
  terminal.kill();
});

const DOC = '# Prod\n\n## Check\n\n```bash\necho harmless check\n```\n\n## Danger\n\n```bash { confirm=production }\necho DROPPING PRODUCTION TABLE\n```\n';

describe('play, when someone else adds a block above while it is open', () => {
  it('shows, asks to confirm and runs the same block: the one the cursor is on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-moved-'));
    const file = join(dir, 'doc.md');
    writeFileSync(file, DOC);
    terminal.start('moved', dir, `node ${BIN} play doc.md`, { columns: 110, rows: 32 });
    await terminal.waitFor('moved', 'echo harmless check');
    // A colleague's edit: a new section with a block, above everything play has.
    writeFileSync(file, DOC.replace('## Check\n', '## Context\n\n```bash\nuptime\n```\n\n## Check\n'));
    terminal.keys('moved', 'Enter');
    await terminal.waitFor('moved', /Run this block\? \[y\/N\]/);
    terminal.keys('moved', 'y');
    const passed = await terminal.waitFor('moved', /✔ bash block \(line \d+\): passed in/);
    // The result line written under the block that ran is its own, not the next step's prose.
    expect(passed).not.toContain('runbook: ✅');
    // The cursor is on the Danger block now: its own code, and its own confirm word.
    terminal.keys('moved', 'Enter');
    const asked = await terminal.waitFor('moved', /Type "production"|Run this block\?/);
    expect(asked).toContain('echo DROPPING PRODUCTION TABLE');
    expect(asked).toContain('Type "production"');
    terminal.keys('moved', 'Escape');
    terminal.keys('moved', 'q');
    await terminal.waitFor('moved', /EXITED \d/);
    const text = readFileSync(file, 'utf8');
    // The check ran and is recorded under its own block; the dangerous one did not run.
    expect(text).toMatch(/echo harmless check\n```\n\*runbook:\* ✅ passed/);
    expect(text).not.toMatch(/DROPPING PRODUCTION TABLE\n```\n\*runbook:\*/);
    expect(text).toContain('## Context\n\n```bash\nuptime\n```\n');
  });
});

describe('play, opened and quit without doing anything', () => {
  it('leaves the document byte for byte as it was: no timeline of nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-moved-'));
    writeFileSync(join(dir, 'doc.md'), DOC);
    terminal.start('look', dir, `node ${BIN} play doc.md`, { columns: 110, rows: 32 });
    await terminal.waitFor('look', 'echo harmless check');
    terminal.keys('look', 'q');
    await terminal.waitFor('look', /EXITED 0/);
    expect(readFileSync(join(dir, 'doc.md'), 'utf8')).toBe(DOC);
  });
});
