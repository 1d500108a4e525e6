import { describe, expect, it } from 'vitest';
import { cleanLine, displayWidth, fit, lastReturn, screenLine } from '../../src/tui/text.js';

describe('output lines on the play screen', () => {
  it('expands tabs to 8-column stops, counting wide characters as two', () => {
    expect(cleanLine('a\tb', false)).toBe('a       b');
    expect(cleanLine('\t12345678\tx', false)).toBe(`${' '.repeat(8)}12345678${' '.repeat(8)}x`);
    expect(cleanLine('日本\tx', false)).toBe('日本    x');
    expect(cleanLine('\x1b[31mred\x1b[0m\tx', true)).toBe('\x1b[31mred\x1b[0m     x');
  });

  it('shows a carriage-return progress bar in its last state', () => {
    expect(lastReturn('10%\r50%\r100%')).toBe('100%');
    expect(lastReturn('10%\r100%\r')).toBe('100%');
    expect(cleanLine('done\r', false)).toBe('done');
    expect(cleanLine('[##   ]\r[#####]\r\x1b[K', false)).toBe('[#####]');
  });

  it('drops cursor movement and erase sequences, keeping colour only when the screen shows colour', () => {
    expect(cleanLine('\x1b[2K\x1b[1Gstep \x1b[1;32mok\x1b[0m\x1b[?25h', true)).toBe('step \x1b[1;32mok\x1b[0m');
    expect(cleanLine('\x1b[2K\x1b[1Gstep \x1b[1;32mok\x1b[0m', false)).toBe('step ok');
    expect(cleanLine('\x1b]0;title\x07bell\x07 back\bspace', false)).toBe('bell backspace');
  });

  it('cuts a line at the pane width with a visible marker, never wider than the pane', () => {
    expect(fit('short', 10)).toBe('short');
    expect(fit('exactly 10', 10)).toBe('exactly 10');
    expect(fit('x'.repeat(300), 80)).toBe(`${'x'.repeat(79)}…`);
    expect(displayWidth(fit('日本語'.repeat(40), 79))).toBeLessThanOrEqual(79);
    expect(fit('\x1b[31m' + 'r'.repeat(20), 10)).toBe(`\x1b[31m${'r'.repeat(9)}\x1b[0m…`);
    expect(displayWidth(screenLine('\t'.repeat(40), 80, false))).toBe(80);
  });
});
