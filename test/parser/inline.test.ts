import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { DOCUMENT_MARKERS, INLINE_RULE, InlineBudget, PARAGRAPH_MARKERS } from '../../src/parser/inline.js';

/** The text of each list item cmark-gfm renders (tags dropped, entities read): GitHub's task text. */
function githubItems(text: string): string[] {
  const html = spawnSync('cmark-gfm', ['-e', 'tasklist'], { input: text, encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
  return [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) =>
    m[1]!.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&').trim(),
  );
}

const limits = (text: string) => parseRunbook(text).problems.filter((p) => p.ruleId === INLINE_RULE);

describe('inline markup within the budget', () => {
  it('reads a task of emphasis, links and code as GitHub does, with no warning', () => {
    const task = `- [ ] step ${'*a* _b_ [c](d) `e` '.repeat(Math.floor(PARAGRAPH_MARKERS / 10) - 1)}\n`;
    const model = parseRunbook(`# T\n\n${task}`);
    expect(model.problems).toEqual([]);
    expect(model.tasks[0]!.text).toBe(githubItems(task)[0]);
  });

  it('reads backtick runs that never close as text, as GitHub does, without a warning', () => {
    let runs = '';
    for (let i = 1; i <= 100; i++) runs += `${'`'.repeat(i)}a `;
    const task = `- [ ] step ${runs}\`done\`\n`;
    const model = parseRunbook(`# T\n\n${task}`);
    expect(model.problems).toEqual([]);
    expect(model.tasks[0]!.text).toBe(githubItems(task)[0]);
  });

  it('reads a code span holding a shorter run, an escaped backtick and runs split by items as GitHub does', () => {
    const text = '# T\n\n- [ ] a ``b `c d`` e \\`f` g\n- [ ] `h\n- [ ] i`\n';
    expect(parseRunbook(text).tasks.map((t) => t.text)).toEqual(githubItems(text));
  });
});

describe('inline markup past the budget', () => {
  it('reads the rest of the paragraph as text and warns at the marker that passes the limit', () => {
    const head = '*a* '.repeat(PARAGRAPH_MARKERS / 2);
    const text = `# T\n\n- [ ] step ${head}*late*\n\n- [ ] next *one*\n`;
    const model = parseRunbook(text);
    const found = limits(text);
    expect(found).toEqual([{ line: 3, column: expect.any(Number), message: expect.stringContaining(`more than ${PARAGRAPH_MARKERS} inline markers`), ruleId: INLINE_RULE, severity: 'warning' }]);
    expect(found[0]!.column).toBeGreaterThan(head.length);
    // GitHub renders `late` emphasised; runbook keeps its markers. The next paragraph is read again.
    expect(githubItems(text)[0]!.endsWith(' late')).toBe(true);
    expect(model.tasks.map((t) => t.text)).toEqual([`step ${'a '.repeat(PARAGRAPH_MARKERS / 2)}*late*`, 'next one']);
  });

  it(`stops reading inline markup after ${DOCUMENT_MARKERS} markers in a document, with one note`, () => {
    const budget = new InlineBudget();
    budget.piece('', 100);
    const paragraphs = Array.from({ length: DOCUMENT_MARKERS / 500 + 2 }, () => ({}));
    const read = paragraphs.map((p) => Array.from({ length: 500 }, (_, at) => budget.spend(p, at)).filter((text) => !text).length);
    expect(read.slice(0, -2).every((n) => n === 500)).toBe(true);
    expect(read.slice(-2)).toEqual([0, 0]);
    expect(budget.limits).toEqual([{ offset: 100, scope: 'document' }]);
  });
});
