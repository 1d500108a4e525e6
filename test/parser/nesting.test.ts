import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { CONTAINER_BUDGET, MAX_DEPTH, NESTING_RULE } from '../../src/parser/nesting.js';
import { cmarkFacts, haveCmark } from '../support/cmark.js';
import { documentArb } from '../support/corpus.js';

const refusal = (text: string) => parseRunbook(text).problems.find((p) => p.ruleId === NESTING_RULE);

/** List items nested `depth` deep, each on its own line, the last a task. */
function nestedList(depth: number): string {
  let text = '# Deep\n\n';
  for (let i = 0; i < depth - 1; i++) text += `${'  '.repeat(i)}- level ${i + 1}\n`;
  return `${text}${'  '.repeat(depth - 1)}- [ ] the deepest step\n`;
}

describe('nesting limits', () => {
  it('refuses a line of 10 000 block quote markers at the 101st', () => {
    const model = parseRunbook(`# T\n\n${'>'.repeat(10_000)} x\n`);
    expect(model.problems).toEqual([expect.objectContaining({ line: 3, column: MAX_DEPTH + 1, ruleId: NESTING_RULE })]);
    expect(model.problems[0]!.message).toMatch(/nest more than 100 deep/);
    expect(model.tasks).toEqual([]);
  });

  it('refuses list markers repeated on one line, bullets and numbers alike', () => {
    expect(refusal(`# T\n\n${'- '.repeat(3000)}x\n`)).toMatchObject({ line: 3, column: 2 * MAX_DEPTH + 1 });
    expect(refusal(`${'1. '.repeat(3000)}x\n`)).toMatchObject({ line: 1, column: 3 * MAX_DEPTH + 1 });
    expect(refusal(`${'> - '.repeat(2000)}x\n`)).toMatchObject({ line: 1 });
    // Mixed signs are no thematic break, so each is a list item.
    expect(refusal(`${'- * '.repeat(2000)}x\n`)).toMatchObject({ line: 1 });
  });

  it('refuses quotes that grow line by line and lists nested by indentation, at the first line too deep', () => {
    let quotes = '# T\n\n';
    for (let i = 1; i < 2000; i++) quotes += `${'>'.repeat(i)} x\n`;
    expect(refusal(quotes)).toMatchObject({ line: 2 + MAX_DEPTH + 1 });
    expect(refusal(nestedList(1000))).toMatchObject({ line: 2 + MAX_DEPTH + 1, column: 2 * MAX_DEPTH + 1 });
  });

  it('reads a list nested exactly to the limit as cmark-gfm does', () => {
    const text = nestedList(MAX_DEPTH);
    const model = parseRunbook(text);
    expect(model.problems).toEqual([]);
    expect(model.tasks.map((t) => [t.line, t.checked])).toEqual([[MAX_DEPTH + 2, false]]);
    if (haveCmark()) expect(cmarkFacts(text).tasks).toEqual([[MAX_DEPTH + 2, false]]);
  });

  it('refuses containers continued on more lines than the budget allows', () => {
    const lines = Math.ceil(CONTAINER_BUDGET / 50) + 10;
    const problem = refusal(`# T\n\n${`${'>'.repeat(50)} x\n`.repeat(lines)}`);
    expect(problem).toMatchObject({ line: 2 + CONTAINER_BUDGET / 50 + 1, column: 1 });
    expect(problem!.message).toMatch(/continued on too many lines/);
  });

  it('does not count what is not a container: rules, fenced code, indented code, lazy lines', () => {
    const rule = `${'- '.repeat(500)}-\n`;
    const fence = `\`\`\`text\n${`${'>'.repeat(300)}\n`.repeat(50)}\`\`\`\n`;
    const indented = `Para\n\n${`    ${'> '.repeat(300)}\n`.repeat(5)}`;
    const lazy = `> quote\n${'lazy line\n'.repeat(1000)}`;
    for (const text of [rule, fence, indented, lazy]) expect(refusal(text)).toBeUndefined();
    const model = parseRunbook(`# T\n\n${fence}\n- [ ] after\n`);
    expect(model.blocks[0]!.body).toBe(`${'>'.repeat(300)}\n`.repeat(50).slice(0, -1));
    expect(model.tasks).toHaveLength(1);
  });
});

describe('nesting limits on real documents', () => {
  it('refuse no fixture, no bundled runbook and no generated document', () => {
    const markdown = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === '.runbook' ? [] : markdown(join(dir, e.name))) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
    for (const file of [...markdown('fixtures'), ...markdown('docs')]) expect(refusal(readFileSync(file, 'utf8')), file).toBeUndefined();
    fc.assert(fc.property(documentArb, (text) => refusal(text) === undefined), { numRuns: 300, seed: 100 });
  });
});

describe('repeated byte order marks', () => {
  const text = '\uFEFF\uFEFF# Title\n\n- [ ] first step\n\n```bash\necho hi\n```\n\n- [x] second step\n';

  it('keeps every task and block after line 1, as cmark-gfm does', () => {
    const model = parseRunbook(text);
    expect(model.tasks.map((t) => [t.line, t.checked])).toEqual([
      [3, false],
      [9, true],
    ]);
    expect(model.blocks.map((b) => [b.line, b.lang])).toEqual([[5, 'bash']]);
    expect(model.tasks[0]!.checkboxSpan.start).toBe(text.indexOf('[ ]'));
    if (haveCmark()) {
      const facts = cmarkFacts(text);
      expect(model.tasks.map((t) => [t.line, t.checked])).toEqual(facts.tasks);
      expect(model.blocks.map((b) => [b.line, b.lang])).toEqual(facts.fences);
    }
  });

  it('reads line 1 as text after the second mark, and says so', () => {
    const model = parseRunbook('\uFEFF\uFEFF- [ ] on line 1\n- [ ] on line 2\n');
    expect(model.tasks.map((t) => t.line)).toEqual(haveCmark() ? cmarkFacts('\uFEFF\uFEFF- [ ] on line 1\n- [ ] on line 2\n').tasks.map(([l]) => l) : [2]);
    expect(model.sections.filter((s) => s.depth === 1)).toEqual([]);
    expect(model.problems).toEqual([expect.objectContaining({ line: 1, ruleId: 'repeated-bom' })]);
  });
});
