import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const render = (text: string) => execFileSync('cmark-gfm', ['-e', 'table', '-e', 'tasklist'], { input: text, encoding: 'utf8' });
/** The rendered page without the result lines a run wrote (a paragraph of their own, or a tight item's last line). */
const withoutResults = (html: string) => html.replace(/(?:<p>)?<em>runbook:<\/em> ✅[^<\n]*(?:<\/p>\n|\n)?/g, '').replaceAll(' checked=""', '');
const fence = (indent: string) => `${indent}\`\`\`bash\n${indent}true\n${indent}\`\`\`\n`;

/** Runs `doc` headless, then resets it; the filled text and the reset text. */
function runThenReset(doc: string): { filled: string; reset: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-separator-'));
  const path = join(dir, 'doc.md');
  writeFileSync(path, doc);
  const run = runCli(['run', 'doc.md', '--yes', '--no-timeline'], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  const filled = readFileSync(path, 'utf8');
  expect(runCli(['reset', 'doc.md'], { cwd: dir }).code).toBe(0);
  return { filled, reset: readFileSync(path, 'utf8') };
}

describe('the line under a result line', () => {
  // What follows the closing fence already ends a paragraph: the result line goes in alone, a
  // tight list stays tight, and reset gives back the template byte for byte.
  const interrupting: Record<string, string> = {
    'the next item of a tight task list': `# D\n\n- [ ] one\n${fence('  ')}- [ ] two\n`,
    'the next item of a tight list numbered 1, 1': `# D\n\n1. one\n${fence('   ')}1. two\n`,
    'a nested item inside the same item': `# D\n\n- one\n${fence('  ')}  - sub\n`,
    'a heading': `# D\n\n${fence('')}## Next\n\nText.\n`,
    'another block': `# D\n\n${fence('')}${fence('')}`,
    'a *** break': `# D\n\n${fence('')}***\n`,
    'a top-level item after a quoted block': `# D\n\n${fence('> ')}- [ ] next\n`,
    'an HTML comment': `# D\n\n${fence('')}<!-- note -->\n`,
    'the next item of a tight list numbered 1, 2, 3': `# D\n\n1. [ ] one\n${fence('   ')}2. two\n3. three\n`,
    'the next item, numbered 7, of a nested tight list': `# D\n\n- a\n  - [ ] b\n${fence('    ')}  7. c\n`,
    'the next item of a tight list in a quote': `# D\n\n> - [ ] a\n${fence('>   ')}> - b\n`,
    'an empty item of a tight list': `# D\n\n- [ ] a\n${fence('  ')}-\n`,
  };
  for (const [name, doc] of Object.entries(interrupting)) {
    it(`adds no blank line before ${name}; GitHub renders the rest as before and reset restores the bytes`, () => {
      const { filled, reset } = runThenReset(doc);
      expect(filled.split('\n').length).toBe(doc.split('\n').length + doc.split('```bash').length - 1);
      expect(withoutResults(render(filled))).toBe(render(doc));
      expect(reset).toBe(doc);
    });
  }

  // What follows would join the result line (lazy continuation, a setext underline, an item that
  // may not interrupt): a blank line keeps it a paragraph of its own.
  const joining: Record<string, string> = {
    'a paragraph': `# D\n\n${fence('')}Some text.\n`,
    'a --- line': `# D\n\n${fence('')}---\n`,
    'an === line': `# D\n\n${fence('')}===\n`,
    'a lazy line after a quoted block': `# D\n\n${fence('> ')}lazy text\n`,
    'an item numbered 2 at the top level': `# D\n\n${fence('')}2. two\n`,
    'an indented code line': `# D\n\n${fence('')}    code\n`,
    'a line of the quote less indented than the item': `# D\n\n> - [ ] a\n${fence('>   ')}> lazy\n`,
    'a lazy line after a list item': `# D\n\n- [ ] a\n${fence('  ')}lazy\n`,
  };
  for (const [name, doc] of Object.entries(joining)) {
    it(`keeps ${name} out of the result line with a blank line`, () => {
      const { filled } = runThenReset(doc);
      const shown = render(filled);
      // The result line ends its paragraph, or the tight item it closes: nothing joined it.
      expect(shown).toMatch(/<em>runbook:<\/em> ✅[^<\n]*(?:<\/p>|<\/li>)\n/);
      expect(withoutResults(shown)).toBe(render(doc));
    });
  }
});
