import type { BlockOptions } from './types.js';

/** Options `runbook` understands on a block; anything else is kept and reported as unknown. */
export const KNOWN_OPTIONS = new Set([
  'name',
  'timeout',
  'confirm',
  'cwd',
  'skip',
  'errexit',
  'pipefail',
  'secret',
  'interactive',
  'shell',
  'until',
  'every',
  'within',
  'rollback',
  'description',
  'evidence',
  // Runme's spellings, accepted so existing runbooks keep working.
  'excludeFromRunAll',
  'background',
  'host',
  'hosts',
  'parallel',
  'id',
  'interpreter',
]);

const TOKEN = /\s*([A-Za-z_][\w.-]*)(?:\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^\s}]+))?\s*/y;

/**
 * Reads block options in the forms runbook authors already write: `{ name=drain timeout=60s }`,
 * `{"name":"drain"}`, or bare `name=drain` pairs.
 */
export function parseOptions(text: string, source: BlockOptions['source']): BlockOptions {
  const trimmed = text.trim();
  const values: Record<string, string | boolean> = {};
  let error: string | null = null;
  if (trimmed === '') return finish(values, source, null);
  if (trimmed.startsWith('{') && trimmed.slice(1).trimStart().startsWith('"')) {
    try {
      const json: unknown = JSON.parse(trimmed);
      if (json && typeof json === 'object' && !Array.isArray(json)) {
        for (const [key, value] of Object.entries(json)) {
          values[key] = typeof value === 'boolean' ? value : String(value);
        }
        return finish(values, source, null);
      }
    } catch {
      error = 'options are not valid JSON';
    }
  }
  let inner = trimmed;
  if (inner.startsWith('{')) {
    if (!inner.endsWith('}')) error ??= 'options start with `{` but do not end with `}`';
    inner = inner.replace(/^\{/, '').replace(/\}$/, '');
  }
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < inner.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(inner);
    if (!match || match[0].length === 0) {
      error ??= `cannot read options from \`${inner.slice(at).trim()}\``;
      break;
    }
    const key = match[1]!;
    const raw = match[2];
    values[key] = raw === undefined ? true : unquote(raw);
  }
  return finish(values, source, error);
}

function unquote(raw: string): string {
  if (raw.startsWith('"')) return raw.slice(1, -1).replace(/\\(.)/g, '$1');
  if (raw.startsWith("'")) return raw.slice(1, -1);
  return raw;
}

function finish(
  values: Record<string, string | boolean>,
  source: BlockOptions['source'],
  error: string | null,
): BlockOptions {
  const unknown = Object.keys(values).filter((key) => !KNOWN_OPTIONS.has(key));
  return { values, unknown, source: Object.keys(values).length ? source : 'none', error };
}

/** Reads `true`/`yes`/`on`/`1` (or a bare flag) and `false`/`no`/`off`/`0`; null for anything else. */
export function readFlag(value: string | boolean): boolean | null {
  if (typeof value === 'boolean') return value;
  if (/^(?:true|yes|on|1)$/i.test(value)) return true;
  if (/^(?:false|no|off|0)$/i.test(value)) return false;
  return null;
}

/** Reads an HTML comment that carries options: `<!-- runbook: name=x -->` or `<!-- runbook {"name":"x"} -->`. */
export function commentOptions(html: string): string | null {
  const match = /^<!--\s*runbook:?\s*([\s\S]*?)\s*-->\s*$/.exec(html.trim());
  return match ? match[1]! : null;
}
