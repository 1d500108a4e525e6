import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { splitTimeline } from '../support/timeline.js';

const TIMES = /· \d+\.\d\d s · \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ·/g;

describe('run with glyph boxes', () => {
  it('ticks the glyph item that owns a block with the sign its list pairs, and leaves the fenced checklist for people', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-glyph-run-'));
    const file = join(dir, 'review.md');
    const text = [
      '# Readiness',
      '',
      '- ☐ Health endpoint answers',
      '  ```bash',
      '  echo healthy',
      '  ```',
      '- ☒ Owner named',
      '',
      '```',
      '☐ Alerts reviewed',
      '☐ Dashboards reviewed',
      '```',
      '',
    ].join('\n');
    writeFileSync(file, text);
    const { code, stderr } = runCli(['run', file, '--yes'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'ci' } });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // The list pairs ☐ with ☒: the item ticks to ☒; the result line goes under the fence, alone
    // (the next item ends its paragraph: the list stays tight).
    expect(splitTimeline(readFileSync(file, 'utf8')).rest.replace(TIMES, '· T ·')).toBe(
      text.replace('- ☐ Health endpoint answers', '- ☒ Health endpoint answers').replace('  echo healthy\n  ```\n', '  echo healthy\n  ```\n  *runbook:* ✅ passed · exit 0 · T · ci\n'),
    );
    // The fenced checklist is still open: audit says so, line by line.
    const findings = JSON.parse(runCli(['audit', file, '--format', 'json'], { cwd: dir }).stdout) as Array<{ line: number; ruleId: string }>;
    expect(findings.map((f) => `${f.line} ${f.ruleId}`)).toEqual(['11 unticked-task', '12 unticked-task']);
  });
});
