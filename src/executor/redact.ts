import { shellForms } from './shell-forms.js';

/** What a masked secret looks like wherever the tool writes. */
export const MASK = '••••••';

/** Secrets shorter than this are left alone: masking `ok` or `1` would garble everything. */
const MIN_SECRET = 3;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A set of secrets compiled once: every form bash prints each in (see `shellForms`), found in
 * one pass by one regular expression, longest form first so a quoted form wins over a part of it.
 */
export class SecretMatcher {
  /** The secret values, as given. */
  readonly secrets: readonly string[];
  private readonly regex: RegExp | null;
  /** The forms by their first character: what the end of a chunk may be the start of. */
  private readonly byFirst = new Map<string, string[]>();
  private readonly longest: number;

  constructor(secrets: readonly string[]) {
    this.secrets = [...secrets];
    const forms = new Set<string>();
    for (const secret of secrets) if (secret.length >= MIN_SECRET) for (const form of shellForms(secret)) forms.add(form);
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    this.regex = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : null;
    this.longest = sorted[0]?.length ?? 0;
    for (const form of sorted) this.byFirst.set(form[0]!, [...(this.byFirst.get(form[0]!) ?? []), form]);
  }

  /** True when there is nothing to mask. */
  get empty(): boolean {
    return this.regex === null;
  }

  /** True when `text` holds a secret in any form. */
  test(text: string): boolean {
    if (!this.regex) return false;
    this.regex.lastIndex = 0;
    return this.regex.test(text);
  }

  /** Replaces every secret, in any form, by the mask. */
  mask(text: string): string {
    return this.regex ? text.replace(this.regex, MASK) : text;
  }

  /**
   * Masks `text` up to where its end could be the start of a secret still arriving, and says
   * where that is: `[masked, held]`, `held` being the raw rest.
   */
  maskUpToTail(text: string): [string, string] {
    if (!this.regex) return [text, ''];
    let hold = this.tailFrom(text, 0);
    let out = '';
    let pos = 0;
    this.regex.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = this.regex.exec(text)) && match.index < hold) {
      out += text.slice(pos, match.index) + MASK;
      pos = this.regex.lastIndex;
      // A whole secret that runs into the held tail is masked; what may start after it is held.
      if (pos > hold) hold = this.tailFrom(text, pos);
    }
    return [out + text.slice(pos, hold), text.slice(hold)];
  }

  /** Where the longest end of `text` (from `from` on) that begins some form starts; its length when none. */
  private tailFrom(text: string, from: number): number {
    for (let i = Math.max(from, text.length - this.longest + 1); i < text.length; i++) {
      const forms = this.byFirst.get(text[i]!);
      if (!forms) continue;
      const tail = text.slice(i);
      if (forms.some((form) => form.length > tail.length && form.startsWith(tail))) return i;
    }
    return text.length;
  }
}

let cached: SecretMatcher | null = null;

/**
 * Replaces every secret value, in every form bash prints it, in a piece of text. Values
 * shorter than 3 characters are left alone. The matcher for the last list of secrets is kept.
 */
export function redact(text: string, secrets: readonly string[]): string {
  if (!cached || cached.secrets.length !== secrets.length || cached.secrets.some((s, i) => s !== secrets[i])) cached = new SecretMatcher(secrets);
  return cached.mask(text);
}

/**
 * Masks secrets in a stream of chunks. A secret may be cut in two by a chunk boundary, so the
 * end of a chunk that could be the start of a secret is held back until the next chunk (or
 * `flush`); anything else goes out at once, so live output is never delayed.
 */
export class StreamRedactor {
  private held = '';
  private matcher: SecretMatcher;

  constructor(secrets: readonly string[]) {
    this.matcher = new SecretMatcher(secrets);
  }

  /** Masks these values too from now on (secrets learned after the stream began). */
  add(secrets: readonly string[]): void {
    const known = new Set(this.matcher.secrets);
    const fresh = secrets.filter((s) => !known.has(s));
    if (fresh.length) this.matcher = new SecretMatcher([...this.matcher.secrets, ...fresh]);
  }

  /** Masks a chunk; returns what can be released now. */
  push(chunk: string): string {
    if (this.matcher.empty) return chunk;
    const [out, held] = this.matcher.maskUpToTail(this.held + chunk);
    this.held = held;
    return out;
  }

  /** Releases whatever is held back. */
  flush(): string {
    const rest = this.matcher.mask(this.held);
    this.held = '';
    return rest;
  }
}
