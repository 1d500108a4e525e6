import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unpackValue } from '../../src/audit/unpack-model.js';
import { parseRunbook, type Runbook } from '../../src/parser/index.js';
import { runCli } from '../support/cli.js';

/** Every Markdown file under `dir`. */
const markdownIn = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.md')).map((e) => join(e.parentPath, e.name));

/**
 * Texts whose pieces (the parser reads a document a piece per fence or heading) end in the middle
 * of something the tree builder keeps between events: a hard break, a reference, a list's first
 * number, a setext underline, a character reference, a table.
 */
const EDGES = [
  'A line with a hard break  \n```bash\necho one\n```\nnext  \n# Heading\ntext\\\n## Two\n',
  '[a link][ref] and [collapsed][] and [shortcut]\n\n```sh\ntrue\n```\n\n[ref]: https://example.com "title"\n[collapsed]: <https://example.com/a b>\n[shortcut]: /x\n',
  '3. three\n4. four\n```bash\nls\n```\n7. seven\n   - [ ] task &amp; &#35; &#x41;\n# H\n10) ten\n',
  'Setext one\n===\n```bash\nx\n```\nSetext two\n---\n- [x] done\n  ```bash\n  y\n  ```\n',
  '| A | B |\n| --- | :-: |\n| `a\\|b` | &copy; |\n```bash\nz\n```\n| C |\n| - |\n| [ ] |\n',
  '> quote with `code` and *emphasis\n```bash\necho\n```\n> and **strong** ~~struck~~ www.example.com a@b.co\n\n[^note]: a footnote\n\nText[^note].\n',
];

describe('the bundled parser', () => {
  it('makes the same model as the packages it bundles, as published, for every fixture, bundled runbook and edge', () => {
    // The bundle rewrites parts of micromark and mdast-util-from-markdown for speed (scripts/build.mjs);
    // the models it stores in the audit's cache must be those the unchanged packages give here.
    const texts = [...markdownIn('fixtures'), ...markdownIn('docs')].map((file) => readFileSync(file, 'utf8'));
    texts.push(...EDGES);
    const dir = mkdtempSync(join(tmpdir(), 'runbook-bundle-parse-'));
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    texts.forEach((text, i) => writeFileSync(join(docs, `doc-${String(i).padStart(3, '0')}.md`), text));
    const cache = join(dir, 'cache');
    const result = runCli(['audit', docs, '--jobs', '1', '--format', 'json'], { env: { RUNBOOK_CACHE_DIR: cache } });
    expect(result.stderr).toBe('');
    expect([0, 1]).toContain(result.code);

    const expected = new Map<string, Runbook>();
    for (const text of texts) {
      const model = parseRunbook(text);
      expected.set(JSON.stringify(model), model);
    }
    const entries = readdirSync(join(cache, 'audit'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.model'));
    expect(entries.length).toBe(expected.size);
    for (const entry of entries) {
      const bytes = readFileSync(join(entry.parentPath, entry.name));
      const stored = unpackValue(bytes, bytes.indexOf(10) + 1);
      const same = expected.get(JSON.stringify(stored));
      expect(same, `${entry.name}: a model no unchanged parse makes`).toBeDefined();
      expect(stored).toStrictEqual(same);
    }
  });
});
