import type { BlockResult } from './types.js';

/**
 * The result line written after a block's closing fence. It is a plain paragraph, so every
 * renderer shows it, and it has a fixed shape, so the parser reads it back:
 *
 *     *runbook:* ✅ passed · exit 0 · 1.24 s · 2026-11-23T19:20:01Z · alice
 */
export const RESULT_PATTERN =
  /^\*runbook:\*[ \t]+(?:\S+[ \t]+)?(passed|failed|timed out|canceled|skipped)[ \t]+·[ \t]+exit[ \t]+(\S+)[ \t]+·[ \t]+(\d+(?:\.\d+)?)[ \t]*(ms|s|min)[ \t]+·[ \t]+(\S+)[ \t]+·[ \t]*(.*?)[ \t]*$/;

const ICONS: Record<BlockResult['outcome'], string> = {
  passed: '✅',
  failed: '❌',
  'timed out': '⏱️',
  canceled: '⛔',
  skipped: '⏭️',
};

type ResultFields = Omit<BlockResult, 'span' | 'lineSpan' | 'line'>;

/** Reads a result line's fields, or null when the line is not one. */
export function readResultLine(line: string): ResultFields | null {
  const match = RESULT_PATTERN.exec(line.trim());
  if (!match) return null;
  const [, outcome, exit, amount, unit, at, operator] = match;
  const exitCode = /^-?\d+$/.test(exit!) ? Number(exit) : null;
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000;
  return {
    outcome: outcome as BlockResult['outcome'],
    exitCode,
    durationMs: Math.round(Number(amount) * factor),
    at: at!,
    operator: operator!,
  };
}

/** Writes a result line's text (no container prefix, no line ending). */
export function formatResultLine(result: ResultFields & { signal?: string | null }): string {
  const exit = result.exitCode ?? result.signal ?? '—';
  return `*runbook:* ${ICONS[result.outcome]} ${result.outcome} · exit ${exit} · ${formatSeconds(result.durationMs)} · ${result.at} · ${result.operator}`;
}

/** A duration as seconds with two decimals (`1.24 s`), the form result lines and cells use. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
