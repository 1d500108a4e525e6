import { describe, expect, it } from 'vitest';
import { layout } from '../../src/tui/layout.js';

const total = (r: ReturnType<typeof layout>) => r.outline + r.prose + r.code + r.codeMore + r.output;

describe('the play screen layout', () => {
  it('keeps the frame one row shorter than the terminal, whatever the step holds', () => {
    for (const rows of [24, 32, 48]) {
      for (const code of [0, 3, 60, 500]) {
        for (const confirm of [false, true]) {
          const r = layout(rows, { steps: 40, prose: 8, code, fixed: 7, confirm });
          expect(total(r) + 7).toBeLessThanOrEqual(rows - 1);
        }
      }
    }
  });

  it('gives a long command the output rows on the confirm screen, with a line saying more is below', () => {
    const browse = layout(24, { steps: 40, prose: 2, code: 60, fixed: 6, confirm: false });
    const confirm = layout(24, { steps: 40, prose: 2, code: 60, fixed: 6, confirm: true });
    expect(confirm.code).toBeGreaterThan(browse.code);
    expect(confirm).toMatchObject({ codeMore: 1, output: 0 });
    expect(browse.output).toBeGreaterThanOrEqual(3);
  });

  it('shows short code whole, with no marker', () => {
    expect(layout(24, { steps: 3, prose: 1, code: 2, fixed: 6, confirm: false })).toEqual({ outline: 3, prose: 1, code: 2, codeMore: 0, output: 11 });
  });
});
