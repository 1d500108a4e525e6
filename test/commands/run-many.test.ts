import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { runCli } from '../support/cli.js';
import { splitTimeline } from '../support/timeline.js';

/**
 * A thousand blocks in one section (no heading between them, so no piece of the document is
 * parsed alone), some inside task items and block quotes, with CRLF line endings: the shape that
 * made every result line re-parse the whole section.
 */
function thousandBlocks(): string {
  const lines = ['# One long section', ''];
  for (let i = 1; i <= 1000; i++) {
    const body = i === 1000 ? 'test "$n" = 999' : 'n=$(( ${n:-0} + 1 ))';
    if (i % 10 === 0) lines.push(`- [ ] Step ${i}`, '', '  ```bash', `  ${body}`, '  ```');
    else if (i % 25 === 1) lines.push('> ```bash', `> ${body}`, '> ```');
    else lines.push('```bash', body, '```');
    // Every third block has text right under its fence: the result line goes between.
    lines.push(i % 3 === 0 ? `Text after block ${i}.` : '');
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('runbook run on a thousand blocks in one section', () => {
  it('runs every block in order and records each one under its fence, touching nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-many-'));
    const path = join(dir, 'many.md');
    const original = thousandBlocks();
    writeFileSync(path, original);
    const { code, stdout, stderr } = runCli(['run', 'many.md', '--yes'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'ci-bot' } });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('1000 passed, 0 failed');
    const after = readFileSync(path, 'utf8');
    const model = parseRunbook(after);
    expect(model.blocks).toHaveLength(1000);
    expect(model.blocks.every((b) => b.result?.outcome === 'passed' && b.result.operator === 'ci-bot')).toBe(true);
    expect(model.tasks).toHaveLength(100);
    expect(model.tasks.every((t) => t.checked)).toBe(true);
    expect(model.eol).toBe('\r\n');
    // Without its result lines (and the blank line kept before text under a fence) and with the
    // boxes unticked, the file is the original, byte for byte.
    const restored = splitTimeline(after)
      .rest.replace(/\r\n(?:> |  )?\*runbook:\* [^\r\n]*(\r\n(?:>|)(?=\r\nText after))?/g, '')
      .replace(/\[x\]/g, '[ ]');
    expect(restored).toBe(original);
  }, 180_000);
});
