import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { runCli } from '../support/cli.js';
import { splitTimeline } from '../support/timeline.js';

const env = { RUNBOOK_OPERATOR: 'ci', API_TOKEN: 'tok-3f9a8b7c' };

function runDoc(text: string, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-reason-'));
  writeFileSync(join(dir, 'r.md'), text);
  const result = runCli(['run', 'r.md', '--yes', '--keep-going', ...args], { cwd: dir, env });
  return { ...result, dir, text: readFileSync(join(dir, 'r.md'), 'utf8') };
}

/** The text GitHub's renderer shows for each paragraph of a document (cmark-gfm, tags dropped). */
function renderedParagraphs(text: string): string[] {
  const html = spawnSync('cmark-gfm', ['-e', 'table', '-e', 'tasklist'], { input: text, encoding: 'utf8' }).stdout;
  return [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
}

describe('a failed block says why', () => {
  it('ends its result line with the last stderr line, escaped so the Markdown renders it as written', () => {
    const line = 'curl: (7) a | b `c` *d* _e_ <f> [g] &copy; ~~h~~';
    const { code, text, stdout } = runDoc(`# R\n\n\`\`\`bash\necho "to stdout"\necho '${line}' >&2\nexit 7\n\`\`\`\n\n- [ ] In a list\n\n  \`\`\`bash\n  echo only-stdout\n  false\n  \`\`\`\n`);
    expect(code).toBe(1);
    const model = parseRunbook(text);
    expect(model.blocks.map((b) => b.result?.reason)).toEqual([line, 'only-stdout']);
    expect(text).toContain('· curl: (7) a \\| b \\`c\\` \\*d\\* \\_e\\_ \\<f> \\[g\\] \\&copy; \\~\\~h\\~\\~\n');
    const shown = renderedParagraphs(text).filter((p) => p.startsWith('runbook:'));
    expect(shown).toHaveLength(2);
    expect(shown[0]!.endsWith(`· ci · ${line}`)).toBe(true);
    expect(shown[1]).toMatch(/· ci · only-stdout$/);
    expect(stdout).toContain(`· ${line}`);
  });

  it('leaves a URL and an address in a reason as links GitHub makes of them, backslashes nowhere', () => {
    const line = 'GET https://ex.io/api_v1/health_check?a=1&b=2 failed, ask ops_team@ex.io';
    const { code, text } = runDoc(`# R\n\n\`\`\`bash\necho '${line}' >&2\nexit 1\n\`\`\`\n`);
    expect(code).toBe(1);
    expect(parseRunbook(text).blocks[0]!.result?.reason).toBe(line);
    const html = spawnSync('cmark-gfm', ['-e', 'autolink'], { input: text, encoding: 'utf8' }).stdout;
    expect(html).toContain('<a href="https://ex.io/api_v1/health_check?a=1&amp;b=2">https://ex.io/api_v1/health_check?a=1&amp;b=2</a>');
    expect(html).toContain('<a href="mailto:ops_team@ex.io">ops_team@ex.io</a>');
    expect(html).not.toContain('\\');
  });

  it('writes no reason when the last line is only control characters, and goes on with the next block', () => {
    const { code, text, stdout } = runDoc("# R\n\n- [ ] dump\n\n  ```bash\n  printf '\\x01\\x02\\x1b[31m'; false\n  ```\n\n- [ ] next\n\n  ```bash\n  echo next-ran\n  ```\n");
    expect(code).toBe(1);
    const blocks = parseRunbook(text).blocks;
    expect(blocks.map((b) => [b.result?.outcome, b.result?.reason ?? null])).toEqual([['failed', null], ['passed', null]]);
    expect(text).toMatch(/\*runbook:\* ❌ failed · exit 1 · [^\n]* · ci\n/);
    // What runbook itself prints is shown, not acted on: no control character reaches the terminal from its own lines.
    const own = stdout.split('\n').filter((line) => line.startsWith('✘') || line.startsWith('✔'));
    expect(own).toHaveLength(2);
    for (const line of own) expect(line).not.toMatch(/[\x00-\x08\x0b-\x1f]/);
  });

  it('names the command a silent failure stopped at, and its line in the document', () => {
    const { code, text, stdout } = runDoc(
      [
        '# R', '', '```bash', 'drain() {', '  grep -q "drained" /dev/null', '}', '```', '',
        // Line 9: prints a line, then stops at a check that prints nothing.
        '```bash', 'echo "Checking the config"', 'test -f /nope/app.yml', 'echo never', '```', '',
        // Line 15: stops in a function an earlier block defined, called on line 17.
        '```bash', 'echo "Draining"', 'drain', '```', '',
        // Line 20: stops at a command that prints nothing, in a function of its own block.
        '```bash', 'check() {', '  test -d /nope/data', '}', 'check', '```', '',
        // Line 27: a deliberate failure after saying why.
        '```bash', 'echo "replica lag too high"', 'false', '```', '',
      ].join('\n'),
    );
    expect(code).toBe(1);
    const reasons = parseRunbook(text).blocks.map((b) => b.result?.reason ?? null);
    // Lines of the document as it is written: each result line above moves them down by one.
    expect(reasons).toEqual([null, 'line 12: `test -f /nope/app.yml` exited 1', 'line 19: `grep -q "drained" /dev/null` exited 1', 'line 25: `test -d /nope/data` exited 1', 'replica lag too high']);
    const lines = text.split('\n');
    expect([lines[11], lines[18], lines[24]]).toEqual(['test -f /nope/app.yml', 'drain', '  test -d /nope/data']);
    expect(stdout).toContain('· line 12: `test -f /nope/app.yml` exited 1');
    // Nothing of the tool's own bookkeeping is taken for the block's variables.
    expect(text).not.toContain('__rb_');
  });

  it('cuts a long reason to 80 characters and masks secrets in it', () => {
    const { text } = runDoc('```bash\necho "denied for token $API_TOKEN: $(printf \'x%.0s\' $(seq 1 200))" >&2\nexit 1\n```\n');
    const reason = parseRunbook(text).blocks[0]!.result!.reason!;
    expect([...reason]).toHaveLength(80);
    expect(reason).toMatch(/^denied for token ••••••: x+…$/);
    expect(text).not.toContain('tok-3f9a8b7c');
  });

  it('says how long a timed-out block had, and the JUnit failure carries the reason', () => {
    const { text, dir } = runDoc('```bash { timeout=1s }\nsleep 30\n```\n\n```bash\necho "disk full" >&2; exit 2\n```\n', ['--junit', 'j.xml']);
    const results = parseRunbook(text).blocks.map((b) => b.result);
    expect(results[0]).toMatchObject({ outcome: 'timed out', reason: 'timed out after 1.00 s' });
    expect(results[1]).toMatchObject({ outcome: 'failed', reason: 'disk full' });
    expect(readFileSync(join(dir, 'j.xml'), 'utf8')).toContain('<failure message="failed with exit code 2: disk full">');
  });

  it('leaves a passing block without a reason', () => {
    const { text } = runDoc('```bash\necho "warning: noisy" >&2\n```\n');
    expect(parseRunbook(text).blocks[0]!.result).toMatchObject({ outcome: 'passed', reason: null });
    expect(splitTimeline(text).rest).toMatch(/· ci\n$/);
  });
});
