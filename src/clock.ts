/**
 * Milliseconds on a monotonic clock, for measuring how long something took. The same clock as
 * `performance.now()` without its first-use cost (the global loads Node's perf_hooks module).
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
