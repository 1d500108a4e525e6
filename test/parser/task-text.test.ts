import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { haveCmark } from '../support/cmark.js';

/** The text of each task item as cmark-gfm renders it, tags dropped and `<br />` read as a line break. */
function cmarkTaskTexts(text: string): string[] {
  const html = spawnSync('cmark-gfm', ['-e', 'tasklist'], { input: text, encoding: 'utf8' }).stdout;
  return [...html.matchAll(/<li><input type="checkbox"[^>]*\/> ?([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<br \/>\n/g, '\n').replace(/<[^>]+>/g, '').trim());
}

describe('task text', () => {
  it('resolves a link reference defined under a later heading, as definitions are document-wide', () => {
    const text = '# Steps\n\n- [ ] Read [the guide][guide] and [Docs] first\n\n## Links\n\n[guide]: https://example.com/guide\n[docs]: <https://example.com/docs> "Docs"\n';
    const model = parseRunbook(text);
    expect(model.tasks.map((t) => t.text)).toEqual(['Read the guide and Docs first']);
    if (haveCmark()) expect(model.tasks.map((t) => t.text)).toEqual(cmarkTaskTexts(text));
    // The borrowed definitions add nothing to the model: each link is where it is written.
    expect(model.links.map((l) => [l.line, l.kind])).toEqual([
      [7, 'definition'],
      [8, 'definition'],
    ]);
  });

  it('leaves a reference to nothing as written, and a definition inside a later fence unused', () => {
    const text = '# Steps\n\n- [ ] Read [the guide][nowhere]\n\n## Code\n\n```text\n[nowhere]: https://example.com\n```\n';
    expect(parseRunbook(text).tasks[0]!.text).toBe('Read [the guide][nowhere]');
    expect(parseRunbook(text).blocks[0]!.body).toBe('[nowhere]: https://example.com');
  });

  it('keeps a hard line break between the words it separates', () => {
    const text = '- [ ] First line.\\\n  second line\n- [ ] Two spaces  \n  then more\n';
    const model = parseRunbook(text);
    expect(model.tasks.map((t) => t.text)).toEqual(['First line.\nsecond line', 'Two spaces\nthen more']);
    if (haveCmark()) expect(model.tasks.map((t) => t.text)).toEqual(cmarkTaskTexts(text));
  });
});
