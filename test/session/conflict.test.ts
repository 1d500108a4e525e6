import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('an edit the session cannot merge', () => {
  it('keeps both versions, journals the conflict, says so and fails the run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-conflict-'));
    // The block's own text is rewritten by someone else while it runs: its result line has nowhere to go.
    writeFileSync(join(dir, 'c.md'), '# C\n\n```bash\nprintf "# Rewritten by a colleague\\n" > c.md\n```\n');
    const { code, stderr } = runCli(['run', 'c.md', '--yes'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'ci' } });
    expect(code).toBe(1);
    expect(readFileSync(join(dir, 'c.md'), 'utf8')).toBe('# Rewritten by a colleague\n');
    const kept = readdirSync(dir).filter((f) => f.startsWith('c.md.conflict-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0]!), 'utf8')).toMatch(/```\n\*runbook:\* ✅ passed/);
    expect(stderr).toContain(`Their version stays in c.md; runbook's version (with `);
    expect(stderr).toContain(kept[0]);
    const events = readFileSync(join(dir, '.runbook', 'c.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === 'conflict')).toMatchObject({ kept: expect.stringContaining('c.md.conflict-') });
    expect(events.at(-1)).toMatchObject({ type: 'session-end', outcome: 'failed' });
  });
});

describe('an edit the session can merge', () => {
  it('keeps the running block\'s record when someone pastes a fence above it and retitles its heading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-merge-'));
    const doc = '# Edit\n\n- [ ] one\n\n  ```bash\n  sh edit.sh\n  ```\n\n- [ ] two\n\n  ```bash\n  echo two\n  ```\n';
    writeFileSync(join(dir, 'doc.md'), doc);
    // What a colleague does while the first block runs: a note with a snippet above it, a new title.
    const pasted = "Bob: the dashboard says\n\n```text\ncurl -s http://grafana/d/abc\n```\n\n";
    writeFileSync(join(dir, 'edit.sh'), `python3 - <<'PY'\np = 'doc.md'\ns = open(p).read().replace('# Edit\\n\\n', '# Edit (paged bob)\\n\\n' + ${JSON.stringify(pasted)}, 1)\nopen(p + '.new', 'w').write(s)\nimport os\nos.replace(p + '.new', p)\nPY\n`);
    const { code, stderr } = runCli(['run', 'doc.md', '--yes', '--no-timeline'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'ci' } });
    expect([code, stderr]).toEqual([0, '']);
    expect(readdirSync(dir).filter((f) => f.includes('.conflict-'))).toEqual([]);
    const after = readFileSync(join(dir, 'doc.md'), 'utf8');
    expect(after.startsWith(`# Edit (paged bob)\n\n${pasted}- [x] one\n`)).toBe(true);
    expect(after.match(/\*runbook:\* ✅ passed/g)).toHaveLength(2);
    expect(after).toContain('- [x] two');
  });
});
