import type { HostRow } from './state.js';

/** How many rows the hosts of a group get at most: past that, a count and the hosts that did not pass. */
const HOST_ROWS = 6;

/** One host's row: `✔ web-1 0.31 s`, `✘ web-2 failed 0.30 s: reason`, `◐ web-3 running`. */
function hostRow(h: HostRow): { text: string; color?: string } {
  const took = `${(h.durationMs / 1000).toFixed(2)} s`;
  if (h.outcome === null) return { text: `  ◐ ${h.host} running`, color: 'yellow' };
  if (h.outcome === 'passed') return { text: `  ✔ ${h.host} ${took}`, color: 'green' };
  return { text: `  ✘ ${h.host} ${h.outcome} ${took}${h.reason ? `: ${h.reason}` : ''}`, color: 'red' };
}

/**
 * The rows the hosts of a block on a group get under its code: one per host while they fit,
 * else a count of how they stand and the last hosts that have not passed.
 */
export function hostRows(hosts: HostRow[]): Array<{ text: string; color?: string }> {
  if (hosts.length <= HOST_ROWS) return hosts.map(hostRow);
  const passed = hosts.filter((h) => h.outcome === 'passed').length;
  const running = hosts.filter((h) => h.outcome === null).length;
  const rest = hosts.filter((h) => h.outcome !== 'passed');
  return [{ text: `  ${hosts.length} hosts: ${passed} passed, ${running} running, ${hosts.length - passed - running} did not pass` }, ...rest.slice(-(HOST_ROWS - 1)).map(hostRow)];
}
