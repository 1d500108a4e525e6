import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// Someone else's edit while a session runs, made here by the first block itself (perl -i writes a
// new file, as an editor or `git pull` would): a block is added before the ones still to run.
const insert = (before: string, block: string) => `perl -0pi -e 's/${before}/${block}${before}/' doc.md`;

function session(doc: string) {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-moved-'));
  writeFileSync(join(dir, 'doc.md'), doc);
  const result = runCli(['run', 'doc.md', '--yes', '--no-timeline'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'ci' } });
  const journal = readFileSync(join(dir, '.runbook', 'doc.md.journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string });
  return { ...result, text: readFileSync(join(dir, 'doc.md'), 'utf8'), journal };
}

describe('steps found again after someone else edits the document mid-session', () => {
  it('runs the planned block by its name, never a block added meanwhile (one that asks to be confirmed, here)', () => {
    const added = '- [ ] wipe\\n  ```bash { name=wipe confirm=production }\\n  echo DANGER\\n  ```\\n\\n';
    const { code, stdout, text } = session(`# Moves\n\n- [ ] step one\n  \`\`\`bash { name=one }\n  ${insert('- \\[ \\] step two\\n', added)}\n  echo ran one\n  \`\`\`\n\n- [ ] step two\n  \`\`\`bash { name=two }\n  echo ran two\n  \`\`\`\n`);
    expect(code).toBe(0);
    expect(stdout).toContain('ran two');
    expect(stdout).not.toContain('DANGER');
    expect(text).toMatch(/- \[ \] wipe\n {2}```bash \{ name=wipe confirm=production \}\n {2}echo DANGER\n {2}```\n\n- \[x\] step two\n {2}```bash \{ name=two \}\n {2}echo ran two\n {2}```\n {2}\*runbook:\* ✅ passed/);
  });

  it('runs an unnamed block moved by a block added above it, found by its code, and never the added one', () => {
    const added = '```bash\\necho added\\n```\\n\\n';
    const { code, stdout, text } = session(`# Moves\n\n\`\`\`bash\n${insert('- \\[ \\] first', added)}\necho ran first\n\`\`\`\n\n- [ ] first\n\n\`\`\`bash\necho ran second\n\`\`\`\n`);
    expect(code).toBe(0);
    expect(stdout.match(/ran first/g)).toHaveLength(1);
    expect(stdout.match(/ran second/g)).toHaveLength(1);
    expect(stdout).not.toMatch(/^added/m);
    expect(text).toContain('echo ran second\n```\n*runbook:* ✅ passed');
    expect(text).toMatch(/echo added\n```\n\n- \[ \] first/);
  });

  it('does not run an unnamed block whose code someone changed meanwhile: the run fails and says why', () => {
    const { code, stdout, stderr, text, journal } = session(`# Moves\n\n\`\`\`bash\nperl -0pi -e 's/\\necho ran second/\\necho changed second/' doc.md\necho ran first\n\`\`\`\n\n- [ ] first\n\n\`\`\`bash\necho ran second\n\`\`\`\n`);
    expect(code).toBe(1);
    expect(stdout.match(/ran first/g)).toHaveLength(1);
    expect(stdout).not.toMatch(/ran second|changed second/);
    expect(`${stdout}${stderr}`).toContain('no longer where and what it was');
    expect(text).not.toContain('second\n```\n*runbook:*');
    expect(journal.map((e) => e.type)).toContain('block-lost');
    expect(journal.at(-1)).toMatchObject({ type: 'session-end', outcome: 'failed' });
  });

  it("ticks the task that holds the block that passed, not the twin of its section someone added above it", () => {
    // The block adds a copy of its own section (same heading, same task) above it while it runs.
    const copy = "perl -0pi -e 's/# Release\\n\\n/# Release\\n\\n## Deploy\\n\\n- [ ] Restart api\\n\\n/' doc.md";
    const { code, text } = session(`# Release\n\n## Deploy\n\n- [ ] Restart api\n\n  \`\`\`bash\n  ${copy}\n  \`\`\`\n`);
    expect(code).toBe(0);
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('- ['))).toEqual(['- [ ] Restart api', '- [x] Restart api']);
    // The ticked one is the one right above the block and its result line.
    expect(lines.indexOf('- [x] Restart api')).toBeLessThan(lines.findIndex((l) => l.includes('*runbook:* ✅ passed')));
    expect(lines.indexOf('- [x] Restart api')).toBeGreaterThan(lines.indexOf('- [ ] Restart api'));
  });
});
