import { readFileSync } from 'node:fs';
import { parseRunbook, type Runbook, type Span } from '../../src/parser/index.js';

/** Reads a fixture exactly as stored (BOM and line endings kept). */
export function fixture(path: string): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(readFileSync(`fixtures/${path}`));
}

/** Parses a fixture and returns both the text and the model. */
export function parsed(path: string): { text: string; model: Runbook } {
  const text = fixture(path);
  return { text, model: parseRunbook(text) };
}

/** The text a span covers. */
export function slice(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

/** The 1-based line on which `needle` first appears in `text`. */
export function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at === -1) throw new Error(`not in the text: ${needle}`);
  return text.slice(0, at).split(/\r\n|\r|\n/).length;
}
