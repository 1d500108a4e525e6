/** Reads a duration option: `90s`, `5m`, `1h`, `500ms`, `1m30s`, or a number of seconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(trimmed);
  if (!parts || trimmed === '') throw new RangeError(`cannot read the duration "${text}" (use 90s, 5m, 1h or 500ms)`);
  const [, h, m, s, ms] = parts;
  return (Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0)) * 1000 + Number(ms ?? 0);
}
