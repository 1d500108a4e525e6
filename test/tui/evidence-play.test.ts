import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { BIN } from '../support/cli.js';
import { Tmux } from '../support/tmux.js';

const terminal = new Tmux('evidence');

afterAll(() => {
  terminal.kill();
});

describe('play keeping evidence in a real terminal', () => {
  it('shows what the block kept under its output, and writes the same line under the block', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-tmux-evidence-'));
    writeFileSync(join(dir, 'incident.md'), '# Incident\n\n## Capture evidence\n\n```bash\necho "queue depth 42" | tee depth.txt\n```\n\n## Afterwards\n\n- [ ] Tell the team\n');
    terminal.start('evidence', dir, `node ${BIN} play incident.md`);
    await terminal.waitFor('evidence', 'tee depth.txt');
    terminal.keys('evidence', 'Enter');
    await terminal.waitFor('evidence', 'Run this block? [y/N]');
    terminal.keys('evidence', 'y');
    const screen = await terminal.waitFor('evidence', /evidence: [0-9a-f]{12}\/depth\.txt · 15 B · sha256 [0-9a-f]{16}/);
    expect(screen).toMatch(/│ queue depth 42 *\n│ evidence: [0-9a-f]{12}\/block-5\.out · 15 B · sha256 [0-9a-f]{16}/);
    terminal.keys('evidence', 'q');
    await terminal.waitFor('evidence', 'EXITED 0');
    const [entryOut, entryFile] = parseRunbook(readFileSync(join(dir, 'incident.md'), 'utf8')).blocks[0]!.evidence!.entries;
    expect(screen).toContain(`evidence: ${entryFile!.name} · 15 B · sha256 ${entryFile!.sha256}`);
    expect(screen).toContain(`evidence: ${entryOut!.name} · 15 B · sha256 ${entryOut!.sha256}`);
  });
});
