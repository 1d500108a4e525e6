/** What a masked secret looks like wherever the tool writes. */
export const MASK = '••••••';

/** Replaces every secret value in a piece of text. Values shorter than 3 characters are left alone. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 3) continue;
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/**
 * Masks secrets in a stream of chunks. A secret may be cut in two by a chunk boundary, so the
 * end of a chunk that could be the start of a secret is held back until the next chunk (or
 * `flush`); anything else goes out at once, so live output is never delayed.
 */
export class StreamRedactor {
  private held = '';
  private readonly keep: number;

  constructor(private readonly secrets: readonly string[]) {
    this.keep = Math.max(0, ...secrets.filter((s) => s.length >= 3).map((s) => s.length - 1));
  }

  /** Masks a chunk; returns what can be released now. */
  push(chunk: string): string {
    if (this.keep === 0) return chunk;
    const text = redact(this.held + chunk, this.secrets);
    let hold = 0;
    for (let k = Math.min(this.keep, text.length); k > 0; k--) {
      const tail = text.slice(text.length - k);
      if (this.secrets.some((secret) => secret.length >= 3 && secret.startsWith(tail))) {
        hold = k;
        break;
      }
    }
    this.held = text.slice(text.length - hold);
    return text.slice(0, text.length - hold);
  }

  /** Releases whatever is held back. */
  flush(): string {
    const rest = redact(this.held, this.secrets);
    this.held = '';
    return rest;
  }
}
