import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { committedText } from '../support/bundled.js';
import { blankFrontMatter, cmarkFacts, haveCmark, ourFacts, type CmarkFacts } from '../support/cmark.js';
import { documentArb } from '../support/corpus.js';

function oracle(text: string): CmarkFacts {
  const model = parseRunbook(text);
  return cmarkFacts(model.frontMatter ? blankFrontMatter(text, model.frontMatter.span.end) : text);
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

describe('agreement with GitHub (cmark-gfm)', () => {
  it('has cmark-gfm installed (the oracle for every test below)', () => {
    expect(haveCmark()).toBe(true);
  });

  const files = [...markdownFiles('fixtures'), ...markdownFiles('docs')];
  it.each(files)('reports the tasks, fences and table rows GitHub renders in %s', (file) => {
    // As committed: a played runbook carries runbook's own timeline, which is not a block to run.
    const text = committedText(file);
    expect(ourFacts(text)).toEqual(oracle(text));
  });

  it('agrees on 600 generated documents full of tricky constructs', () => {
    fc.assert(
      fc.property(documentArb, (text) => {
        expect(ourFacts(text)).toEqual(oracle(text));
      }),
      { numRuns: 600, seed: 20261123 },
    );
  });
});
