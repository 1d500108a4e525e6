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
 * last `longest - 1` characters of each chunk are held back until the next one (or `flush`).
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
    const cut = Math.max(0, text.length - this.keep);
    this.held = text.slice(cut);
    return text.slice(0, cut);
  }

  /** Releases whatever is held back. */
  flush(): string {
    const rest = redact(this.held, this.secrets);
    this.held = '';
    return rest;
  }
}
