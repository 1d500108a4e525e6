import { durationMs, notADuration } from '../parser/index.js';

/**
 * Reads a duration option or flag in milliseconds (`90s`, `5m`, `1h30m`, `500ms`, or a number of
 * seconds) with the parser's one grammar; throws a RangeError saying how to write one. Block
 * options are read by the parser already (`Block.timeoutMs`, `everyMs`, `withinMs`).
 */
export function parseDuration(text: string): number {
  const ms = durationMs(text);
  if (ms === null) throw new RangeError(notADuration(text));
  return ms;
}
