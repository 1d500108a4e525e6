import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askSecret } from '../../src/tui/prompt.js';

/** A terminal stand-in: raw mode is recorded, what the prompt writes is collected. */
function terminal() {
  const input = Object.assign(new PassThrough(), { isRaw: false, setRawMode(mode: boolean) { input.isRaw = mode; } });
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk) => (written += String(chunk)));
  return { input, output, written: () => written };
}

describe('the secret prompt', () => {
  it('shows one mask glyph per character, takes pastes and Backspace, and never writes the value', async () => {
    const t = terminal();
    const answer = askSecret('API_TOKEN: ', t.input, t.output);
    expect(t.input.isRaw).toBe(true);
    t.input.write('hu');
    t.input.write('\x1b[200~nter€2\x1b[201~');
    t.input.write('x\x7f');
    t.input.write('\r');
    expect(await answer).toBe('hunter€2');
    expect(t.input.isRaw).toBe(false);
    expect(t.written()).toBe(`API_TOKEN: ${'•'.repeat(9)}\b \b\n`);
    expect(t.written()).not.toMatch(/[a-z€]/);
  });

  it('clears with Ctrl-U, ignores arrow keys, and is canceled by Ctrl-C', async () => {
    const t = terminal();
    const answer = askSecret('', t.input, t.output);
    t.input.write('wrong\x15ri\x1b[Dght\n');
    expect(await answer).toBe('right');
    const canceled = askSecret('', t.input, t.output);
    t.input.write('ab\x03');
    await expect(canceled).rejects.toThrow('canceled');
  });
});
