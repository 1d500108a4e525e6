import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../src/document/edits.js';
import { resetEdits, setCheckboxEdits, tickTaskEdits } from '../../src/document/ops.js';
import { parseRunbook, updateRunbook } from '../../src/parser/index.js';
import { cmarkFacts } from '../support/cmark.js';

const boxes = (text: string) => parseRunbook(text).tasks.map((t) => [t.line, t.kind, t.checked, t.text, text.slice(t.checkboxSpan.start, t.checkboxSpan.end)]);

/** Ticks (or unticks) every box of `text` in one pass, as `run` and `reset` write them. */
const tickAll = (text: string, checked: boolean) => {
  const model = parseRunbook(text);
  return applyEdits(text, model.tasks.flatMap((t) => tickTaskEdits(text, t, checked)));
};

describe('glyph checkboxes', () => {
  it('reads list items that start with a sign, at any depth, and keeps GFM tasks apart', () => {
    const text = '# Review\n\n- □ Owner named\n- ☑ Pager tested\n  - ☐ Nested check\n- [ ] A GFM task\n- plain item □ later\n1. ✅ Numbered\n';
    expect(boxes(text)).toEqual([
      [3, 'glyph-item', false, 'Owner named', '□'],
      [4, 'glyph-item', true, 'Pager tested', '☑'],
      [5, 'glyph-item', false, 'Nested check', '☐'],
      [6, 'task', false, 'A GFM task', '[ ]'],
      [8, 'glyph-item', true, 'Numbered', '✅'],
    ]);
    // GitHub draws one checkbox: the GFM task.
    expect(cmarkFacts(text).tasks).toEqual([[6, false]]);
  });

  it('reads a sign typed with the emoji variation selector as the same box, in lists and fences, and ticks it', () => {
    const text = '- ⬜\uFE0F item one\n- ✅\uFE0F item two\n\n```\n⬜\uFE0F a\n☐\uFE0F b\n```\n';
    expect(boxes(text)).toEqual([
      [1, 'glyph-item', false, 'item one', '⬜\uFE0F'],
      [2, 'glyph-item', true, 'item two', '✅\uFE0F'],
      [5, 'glyph-line', false, 'a', '⬜\uFE0F'],
      [6, 'glyph-line', false, 'b', '☐\uFE0F'],
    ]);
    expect(tickAll(text, true)).toBe('- ✅ item one\n- ✅\uFE0F item two\n\n```\n✅ a\n☑ b\n```\n');
  });

  it('reads the lines of a plain fenced checklist, labels and notes between them', () => {
    const text = '```\nPRE-GAME:\n  □ Experiment reviewed\n  ■ Abort conditions defined\n\nGAME DAY:\n  □ Inject fault\n```\n';
    expect(boxes(text)).toEqual([
      [3, 'glyph-line', false, 'Experiment reviewed', '□'],
      [4, 'glyph-line', true, 'Abort conditions defined', '■'],
      [7, 'glyph-line', false, 'Inject fault', '□'],
    ]);
  });

  it('leaves signs as text in a fence that is mostly something else, of another language, or with one sign', () => {
    expect(boxes('```\nstep one\nstep two\nstep three\n□ a\n□ b\n```\n')).toEqual([]);
    expect(boxes('```yaml\n□ a\n□ b\n```\n')).toEqual([]);
    expect(boxes('```bash\n□ a\n□ b\n```\n')).toEqual([]);
    expect(boxes('```text\ntitle\n□ only one\n```\n')).toEqual([]);
    expect(boxes('```text\n□ a\n☑ b\n```\n').map((b) => b[1])).toEqual(['glyph-line', 'glyph-line']);
    // A sign with nothing after it, or glued to a word, is not a box.
    expect(boxes('- □\n- □word\n')).toEqual([]);
  });

  it('reads a fence inside a block quote and a list item, the prefix left out', () => {
    const text = '> ```\n> □ quoted one\n> □ quoted two\n> ```\n\n- [ ] parent\n  ```\n  □ child one\n  □ child two\n  ```\n';
    const model = parseRunbook(text);
    expect(model.tasks.map((t) => [t.kind, t.text, t.parent])).toEqual([
      ['glyph-line', 'quoted one', null],
      ['glyph-line', 'quoted two', null],
      ['task', 'parent', null],
      ['glyph-line', 'child one', 2],
      ['glyph-line', 'child two', 2],
    ]);
  });

  it('ticks with the sign the block pairs, else the usual partner, and unticks back', () => {
    expect(tickAll('```\n□ a\n□ b\n```\n', true)).toBe('```\n☑ a\n☑ b\n```\n');
    // The block already pairs ☐ with ☒: ticking keeps that pair.
    expect(tickAll('```\n☐ a\n☒ b\n☐ c\n```\n', true)).toBe('```\n☒ a\n☒ b\n☒ c\n```\n');
    expect(tickAll('- □ a\n- ■ b\n- □ c\n', true)).toBe('- ■ a\n- ■ b\n- ■ c\n');
    expect(tickAll('- □ a\n- ■ b\n', false)).toBe('- □ a\n- □ b\n');
    expect(tickAll('- ⬜ a\n- ⬜ b\n', true)).toBe('- ✅ a\n- ✅ b\n');
    expect(tickAll('- ✅ a\n- ✅ b\n', false)).toBe('- ⬜ a\n- ⬜ b\n');
  });

  it('ticks one box by replacing its sign and nothing else, CRLF, BOM and tabs kept', () => {
    const text = '\uFEFF# R\r\n\r\n```text\r\n\t□ a\r\n\t□ b\r\n```\r\n| Item | Done |\r\n|---|---|\r\n| x | □ |\r\n';
    const model = parseRunbook(text);
    const second = model.tasks[1]!;
    const ticked = applyEdits(text, tickTaskEdits(text, second, true));
    expect(ticked).toBe(text.replace('\t□ b', '\t☑ b'));
    const cell = model.tables[0]!.rows[0]!.cells[1]!;
    expect(cell.checkbox).toBe('unchecked');
    expect(applyEdits(text, setCheckboxEdits(cell, 'checked', model.tables[0]!.rows, 1))).toBe(text.replace('| □ |', '| ☑ |'));
  });

  it('ticks a cell with the sign its column pairs', () => {
    const text = '| Item | Done |\n|---|---|\n| a | □ |\n| b | ■ |\n| c | ☐ |\n';
    const table = parseRunbook(text).tables[0]!;
    const tick = (row: number) => applyEdits(text, setCheckboxEdits(table.rows[row]!.cells[1]!, 'checked', table.rows, 1));
    expect(tick(0)).toBe(text.replace('| a | □ |', '| a | ■ |'));
    expect(tick(2)).toBe(text.replace('| c | ☐ |', '| c | ■ |'));
    expect(applyEdits(text, resetEdits(text, parseRunbook(text)))).toBe(text.replace('| b | ■ |', '| b | □ |'));
  });

  it('keeps the model a fresh parse gives after any sequence of ticks', () => {
    const line = fc.constantFrom('□ check', '☑ done', '☐ open', '☒ closed', 'LABEL:', '', '■ solid', '✓ ok');
    const doc = fc.tuple(fc.array(line, { minLength: 1, maxLength: 6 }), fc.array(line, { minLength: 1, maxLength: 4 }), fc.constantFrom('', 'text'));
    fc.assert(
      fc.property(doc, fc.array(fc.tuple(fc.nat(), fc.boolean()), { minLength: 1, maxLength: 6 }), ([fence, items, lang], ticks) => {
        let text = `# Review\n\n\`\`\`${lang}\n${fence.join('\n')}\n\`\`\`\n\n${items.map((i) => `- ${i}`).join('\n')}\n`;
        let model = parseRunbook(text);
        for (const [pick, checked] of ticks) {
          if (!model.tasks.length) return;
          const task = model.tasks[pick % model.tasks.length]!;
          const edits = tickTaskEdits(text, task, checked);
          const next = applyEdits(text, edits);
          // One sign replaced by one sign: the length and every other character stay.
          expect(next.length).toBe(text.length);
          for (let i = 0; i < text.length; i++) if (i !== task.checkboxSpan.start) expect(next[i]).toBe(text[i]);
          model = updateRunbook(model, next, edits.map((e) => ({ start: e.start, oldEnd: e.end, text: e.text, removed: text.slice(e.start, e.end) })));
          text = next;
          expect(model).toEqual(parseRunbook(text));
          expect(model.tasks[task.index]!.checked).toBe(checked);
        }
      }),
      { numRuns: 100, seed: 18 },
    );
  });
});
