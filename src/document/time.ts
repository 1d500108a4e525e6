/**
 * How the engine writes times into cells and result lines: UTC, ISO 8601, to the second
 * (`2026-11-23T19:20:01Z`). Durations use `formatSeconds` (`1.24 s`).
 */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
