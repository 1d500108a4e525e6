import { describe, expect, it } from 'vitest';
import { footerKeys } from '../../src/tui/keys.js';
import type { Step } from '../../src/tui/state.js';

const step = (kind: Step['kind']): Step => ({ id: 0, kind, depth: 0, label: kind, line: 1, ref: 0, status: 'pending', rollback: false });

describe('the keys the footer names', () => {
  it('are the ones that apply to the selected step', () => {
    expect(footerKeys(step('block'), { name: 'browse' })).toBe('Enter run · e edit · s skip · n/p next/prev · ? keys · q quit');
    expect(footerKeys(step('task'), { name: 'browse' })).toBe('s skip · space tick · n/p next/prev · ? keys · q quit');
    expect(footerKeys(step('row'), { name: 'browse' })).toBe('s skip · space tick · f fill · ←→ column · n/p next/prev · ? keys · q quit');
    expect(footerKeys(step('heading'), { name: 'browse' })).toBe('n/p next/prev · ? keys · q quit');
  });

  it('are the running block’s and the prompt’s while those are on screen', () => {
    expect(footerKeys(step('block'), { name: 'running', startedAt: 0 })).toBe('Ctrl-C stop · [ ] scroll · ? keys');
    expect(footerKeys(step('block'), { name: 'confirm', word: null, typed: '' })).toBe('y run · n/Esc cancel · [ ] scroll');
  });
});
