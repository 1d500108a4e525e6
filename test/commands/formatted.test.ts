import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/**
 * A session doc as a Markdown formatter (Prettier, on save or in a pre-commit hook) leaves it: a
 * blank line between each fence and the paragraph after it, and `*emphasis*` rewritten as
 * `_emphasis_` — which GitHub renders the same.
 */
const FORMATTED = [
  '# Deploy',
  '',
  '- [x] Drain node',
  '',
  '  ```bash',
  '  echo drained',
  '  ```',
  '',
  '  _runbook:_ ✅ passed · exit 0 · 1.24 s · 2026-11-23T19:20:01Z · alice',
  '',
  '- [x] Check the pods',
  '',
  '  ```bash',
  '  echo checked',
  '  ```',
  '',
  '  _runbook:_ ✅ passed · exit 0 · 0.40 s · 2026-11-23T19:21:01Z · alice',
  '',
].join('\n');

describe('a session doc a Markdown formatter rewrote', () => {
  it('still has its result lines: audit passes it, list shows them, and a new run replaces them where they are', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-formatted-'));
    writeFileSync(join(dir, 's.md'), FORMATTED);
    const audit = runCli(['audit', 's.md'], { cwd: dir });
    expect([audit.code, audit.stdout]).toEqual([0, expect.stringContaining('0 errors, 0 warnings')]);
    expect(runCli(['list', 's.md'], { cwd: dir }).stdout).toMatch(/L5 `bash` — passed, 1\.24 s at 2026-11-23T19:20:01Z/);
    expect(runCli(['run', 's.md', '--yes', '--no-timeline'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'bob' } }).code).toBe(0);
    const after = readFileSync(join(dir, 's.md'), 'utf8');
    // Each result line is rewritten in place (as runbook writes it), never a second one stacked.
    expect(after.match(/runbook:/g)).toHaveLength(2);
    expect(after).not.toContain('alice');
    expect(after.split('\n').map((line) => line.replace(/ · [\d.]+ s · \S+ · /, ' · T · '))).toEqual(
      FORMATTED.split('\n').map((line) => line.replace(/_runbook:_ (.*) · [\d.]+ s · \S+ · alice/, '*runbook:* $1 · T · bob')),
    );
  });
});
