import { StringDecoder } from 'node:string_decoder';
import { UserError } from '../errors.js';

/** What a secret prompt reads from: a terminal that can be put in raw mode. */
export interface SecretInput extends NodeJS.EventEmitter {
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** The glyph shown for each character of a secret. */
export const MASK_GLYPH = '•';

/** How the terminal brackets a paste when bracketed paste is on; the markers are not part of the value. */
const ESCAPE = /^\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|.)?/s;

/**
 * Asks for a secret with the terminal in raw mode, so the terminal never echoes it: each character
 * typed or pasted shows as one mask glyph, Backspace takes one back, Ctrl-U clears, Enter ends.
 * The value itself is never written anywhere, so it cannot reach the scrollback.
 */
export function askSecret(question: string, input: SecretInput, output: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const wasRaw = input.isRaw ?? false;
    const decoder = new StringDecoder('utf8');
    let value = '';
    let pending = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const erase = (count: number) => output.write('\b \b'.repeat(count));
    const onData = (chunk: Buffer | string) => {
      let text = pending + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
      pending = '';
      while (text.length) {
        if (text[0] === '\x1b') {
          // An escape sequence (an arrow key, the paste markers) is a key, not part of the secret.
          const match = ESCAPE.exec(text)!;
          if (match[0].length === 1 && text.length === 1) {
            pending = text;
            return;
          }
          text = text.slice(match[0].length);
          continue;
        }
        const char = String.fromCodePoint(text.codePointAt(0)!);
        text = text.slice(char.length);
        if (char === '\r' || char === '\n' || char === '\x04') return finish();
        if (char === '\x03') return finish(new UserError('canceled at the prompt: give the value with --set NAME=VALUE or the environment'));
        if (char === '\x7f' || char === '\b') {
          if (value) {
            value = [...value].slice(0, -1).join('');
            erase(1);
          }
        } else if (char === '\x15') {
          erase([...value].length);
          value = '';
        } else if (char >= ' ') {
          value += char;
          output.write(MASK_GLYPH);
        }
      }
    };
    output.write(question);
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  });
}
